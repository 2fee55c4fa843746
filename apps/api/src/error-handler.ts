import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { failureOf } from './failure.js';

/** The native answer to a failure: `{ error, code, issues? }` (docs/contract.md, "Errors"), with Retry-After when one is due. */
export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string; issues?: unknown };
  headers?: Record<string, string>;
}

export function errorAnswer(error: unknown, logger: Logger): ErrorAnswer {
  const failure = failureOf(error);
  if (failure.unexpected) logger.error({ err: error }, 'unhandled error');
  return {
    status: failure.status,
    body: { error: failure.message, code: failure.code, ...(failure.issues ? { issues: failure.issues } : {}) },
    ...(failure.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(failure.retryAfterSeconds) } } : {}),
  };
}

export function errorHandler(logger: Logger) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const answer = errorAnswer(error, logger);
    if (answer.headers) response.set(answer.headers);
    response.status(answer.status).json(answer.body);
  };
}
