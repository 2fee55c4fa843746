import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { StoreWriteHealth } from '@hookfleet/store';
import { failureOf } from './failure.js';

/** The native answer to a failure: `{ error, code, issues? }` (docs/contract.md, "Errors"), with Retry-After when one is due. */
export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string; issues?: unknown };
  headers?: Record<string, string>;
}

/** A write the store refused is counted on `writeHealth` (the process's metrics and readiness). */
export function errorAnswer(error: unknown, logger: Logger, writeHealth?: StoreWriteHealth): ErrorAnswer {
  const failure = failureOf(error);
  if (failure.unexpected) logger.error({ err: error }, 'unhandled error');
  if (failure.code === 'store_unavailable') writeHealth?.noteError(error);
  return {
    status: failure.status,
    body: { error: failure.message, code: failure.code, ...(failure.issues ? { issues: failure.issues } : {}) },
    ...(failure.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(failure.retryAfterSeconds) } } : {}),
  };
}

export function errorHandler(logger: Logger, writeHealth?: StoreWriteHealth) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const answer = errorAnswer(error, logger, writeHealth);
    if (answer.headers) response.set(answer.headers);
    response.status(answer.status).json(answer.body);
  };
}
