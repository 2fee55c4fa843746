import type { NextFunction, Request, Response } from 'express';
import { HookfleetError } from '@hookfleet/core';
import { isRedisUnavailable } from '@hookfleet/store';
import type { Logger } from 'pino';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Where a library's 400 came from, for the contract's `issues` (a path segment that does not decode, or the request). */
function issuePathOf(error: unknown): string {
  return error instanceof URIError ? '(path)' : '(request)';
}

/** Maps every error to the contract's JSON shape, in one place. */
export function errorHandler(logger: Logger) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    if (error instanceof HookfleetError) {
      const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retryAfter !== undefined) response.set('retry-after', String(retryAfter));
      response.status(error.status).json({ error: error.message, code: error.code, ...(error.issues ? { issues: error.issues } : {}) });
      return;
    }
    const parserError = error as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      response.status(413).json({ error: 'request body larger than 1 MiB', code: 'payload_too_large' });
      return;
    }
    if (parserError?.type === 'entity.parse.failed' || parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
      response.status(400).json({ error: 'body is not valid JSON', code: 'invalid_json', issues: [{ path: '(body)', message: 'malformed JSON' }] });
      return;
    }
    if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
      const message = (error as Error).message;
      // Every 400 names what was wrong (CONTRACT.md error shape), also one raised by Express itself.
      const issues = parserError.status === 400 ? { issues: [{ path: issuePathOf(error), message }] } : {};
      response.status(parserError.status).json({ error: message, code: 'bad_request', ...issues });
      return;
    }
    if (isRedisUnavailable(error)) {
      response.status(503).set('retry-after', '1').json({ error: 'storage unavailable, try again', code: 'unavailable' });
      return;
    }
    logger.error({ err: error }, 'unhandled error');
    response.status(500).json({ error: 'internal error', code: 'internal' });
  };
}
