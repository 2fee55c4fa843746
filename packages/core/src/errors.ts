export interface IssueDetail {
  path: string;
  message: string;
}

/**
 * Every stable error code the API answers with, and its HTTP status: the one place a code is mapped to HTTP.
 * The native API answers `{ error, code, issues? }`; compat routes render the same code in their provider's style
 * (docs/contract.md, "Errors"). A new failure is one entry here (and a class below when code throws it).
 */
export const ERROR_CODES = {
  /** A body, query or path parameter that fails its schema; `issues` names each field. */
  validation_failed: { status: 400, sentence: 'the request is not valid' },
  /** A body that is not JSON (or not in a charset JSON allows). */
  invalid_json: { status: 400, sentence: 'body is not valid JSON' },
  /** A request the HTTP layer refuses before any route reads it (a path that does not decode, malformed HTTP). */
  bad_request: { status: 400, sentence: 'malformed HTTP request' },
  /** A subscription URL that resolves to an address deliveries may not reach. */
  target_not_allowed: { status: 400, sentence: 'the target address is not allowed' },
  unauthorized: { status: 401, sentence: 'missing or wrong credentials' },
  forbidden: { status: 403, sentence: 'these credentials may not do this' },
  not_found: { status: 404, sentence: 'not found' },
  /** A compat path asked with a method it does not serve (the providers answer 405 with `Allow`). */
  method_not_allowed: { status: 405, sentence: 'this path does not take that method' },
  conflict: { status: 409, sentence: 'the request conflicts with the current state' },
  payload_too_large: { status: 413, sentence: 'request body larger than 1 MiB' },
  /** Well-formed, but the stored resource cannot do it (a subscription whose secret cannot sign). */
  unprocessable: { status: 422, sentence: 'the request cannot be carried out on this resource' },
  rate_limited: { status: 429, sentence: 'too many requests; slow down' },
  headers_too_large: { status: 431, sentence: 'request headers or URL too large' },
  internal: { status: 500, sentence: 'internal error' },
  /** Redis does not answer: nothing was accepted, try again after Retry-After. */
  unavailable: { status: 503, sentence: 'storage unavailable, try again' },
  /** Redis answers but refuses writes (out of memory, read-only): nothing was accepted, send it again after Retry-After. */
  store_unavailable: { status: 503, sentence: 'the store is refusing writes; nothing was accepted, send it again after Retry-After' },
} as const satisfies Record<string, { status: number; sentence: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The HTTP status of a stable code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** Base of every error the API maps to an HTTP answer; `code` is stable, and its status comes from ERROR_CODES. */
export class HookfleetError extends Error {
  readonly code: ErrorCode = 'internal';
  readonly issues: IssueDetail[] | undefined;
  constructor(message: string, issues?: IssueDetail[]) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export class ValidationFailed extends HookfleetError {
  override readonly code = 'validation_failed';
}

export class Unauthorized extends HookfleetError {
  override readonly code = 'unauthorized';
}

export class Forbidden extends HookfleetError {
  override readonly code = 'forbidden';
}

export class NotFound extends HookfleetError {
  override readonly code = 'not_found';
}

export class Conflict extends HookfleetError {
  override readonly code = 'conflict';
}

export class TargetNotAllowed extends HookfleetError {
  override readonly code = 'target_not_allowed';
}

export class ServiceUnavailable extends HookfleetError {
  override readonly code = 'unavailable';
}

/** The request is well-formed but the stored resource cannot do it (a subscription whose secret cannot sign). */
export class Unprocessable extends HookfleetError {
  override readonly code = 'unprocessable';
}
