import { HookfleetError } from '@hookfleet/core';
import type { CompatFailure } from '@hookfleet/profiles';
import { storeFailureOf } from '../store-failure.js';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** Any error as a status, a stable code and a message, which each profile then renders in its provider's style. */
export function compatFailureOf(error: unknown): CompatFailure & { unexpected?: boolean } {
  if (error instanceof HookfleetError) return { status: error.status, code: error.code, message: error.message, issues: error.issues };
  const parserError = error as BodyParserError | null;
  if (parserError?.type === 'entity.too.large') return { status: 413, code: 'payload_too_large', message: 'request body larger than 1 MiB' };
  if (parserError?.type === 'entity.parse.failed' || parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return { status: 400, code: 'invalid_json', message: 'body is not valid JSON', issues: [{ path: '(body)', message: 'malformed JSON' }] };
  }
  if (parserError?.status && parserError.status >= 400 && parserError.status < 500) {
    return { status: parserError.status, code: 'bad_request', message: parserError.message ?? 'bad request' };
  }
  const storeFailure = storeFailureOf(error);
  if (storeFailure) return { status: storeFailure.status, code: storeFailure.code, message: storeFailure.message };
  return { status: 500, code: 'internal', message: 'internal error', unexpected: true };
}
