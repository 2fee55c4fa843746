import type { CompatAnswer, CompatFailure } from '../compat.js';

/**
 * Paybook's API envelope, which its SDKs read: `{ rid, code, errors, status, message, response }`, with
 * `status: true` and `errors: null` on success and `status: false` on errors.
 */
export function paybookEnvelope(requestId: string, code: number, response: unknown): CompatAnswer {
  return { status: code, body: { rid: requestId, code, errors: null, status: true, message: null, response } };
}

export function paybookErrorEnvelope(requestId: string, failure: CompatFailure): CompatAnswer {
  return {
    status: failure.status,
    body: { rid: requestId, code: failure.status, errors: failure.issues ?? null, status: false, message: failure.message, response: null },
  };
}
