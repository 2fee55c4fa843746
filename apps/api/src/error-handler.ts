import type { NextFunction, Request, Response } from 'express';
import { HookfleetError } from '@hookfleet/core';
import type { StoreWriteHealth } from '@hookfleet/store';
import type { Logger } from 'pino';
import { storeFailureOf } from './store-failure.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Where a library's 400 came from, for the contract's `issues` (a path segment that does not decode, or the request). */
function issuePathOf(error: unknown): string {
  return error instanceof URIError ? '(path)' : '(request)';
}

/** An error's answer in the contract's JSON shape: status, body and extra headers. */
export interface ErrorAnswer {
  status: number;
  body: { error: string; code: string; issues?: unknown };
  headers?: Record<string, string>;
}

/**
 * Maps every error to the contract's JSON shape, in one place (Express's error handler and the ingest fast path).
 * A write the store refused is counted on `writeHealth` (the process's metrics).
 */
export function errorAnswer(error: unknown, logger: Logger, writeHealth?: StoreWriteHealth): ErrorAnswer {
  if (error instanceof HookfleetError) {
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      status: error.status,
      body: { error: error.message, code: error.code, ...(error.issues ? { issues: error.issues } : {}) },
      ...(retryAfter !== undefined ? { headers: { 'retry-after': String(retryAfter) } } : {}),
    };
  }
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') return { status: 413, body: { error: 'request body larger than 1 MiB', code: 'payload_too_large' } };
  if (parserError?.type === 'entity.parse.failed' || parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return { status: 400, body: { error: 'body is not valid JSON', code: 'invalid_json', issues: [{ path: '(body)', message: 'malformed JSON' }] } };
  }
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
    const message = (error as Error).message;
    // Every 400 names what was wrong (docs/contract.md, "Errors"), also one raised by Express itself.
    const issues = parserError.status === 400 ? { issues: [{ path: issuePathOf(error), message }] } : {};
    return { status: parserError.status, body: { error: message, code: 'bad_request', ...issues } };
  }
  const storeFailure = storeFailureOf(error);
  if (storeFailure) {
    writeHealth?.noteError(error);
    return { status: storeFailure.status, body: { error: storeFailure.message, code: storeFailure.code }, headers: { 'retry-after': String(storeFailure.retryAfterSeconds) } };
  }
  logger.error({ err: error }, 'unhandled error');
  return { status: 500, body: { error: 'internal error', code: 'internal' } };
}

export function errorHandler(logger: Logger, writeHealth?: StoreWriteHealth) {
  return (error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const answer = errorAnswer(error, logger, writeHealth);
    if (answer.headers) response.set(answer.headers);
    response.status(answer.status).json(answer.body);
  };
}
