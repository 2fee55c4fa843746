import type { IssueDetail } from '@hookfleet/core';
import type { PublishResult } from './types.js';

export type { IssueDetail };

/** Base of every error this package throws; `code` is stable, `name` is the class name. */
export class HookfleetClientError extends Error {
  readonly code: string = 'client_error';
  /**
   * Set on an error of `publishBatch` whose earlier requests (500 events each) were accepted: their results, the first
   * `accepted.length` events of the batch in order. The events after them were not accepted (or, when this request got
   * no answer, may not have been).
   */
  accepted?: PublishResult[];
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A list's `next_cursor` led back to a page already read (listAll): walking on would never end. */
export class HookfleetRepeatedCursorError extends HookfleetClientError {
  override readonly code: string = 'repeated_cursor';
  constructor(readonly cursor: string) {
    super(`the API answered a next_cursor it had already given (${cursor}); following it again would never end`);
  }
}

const MAX_ISSUES_IN_MESSAGE = 5;

/** `tenant: Required; events.2.type: Too small` — the first few, then how many more. */
export function formatIssues(issues: readonly IssueDetail[]): string {
  const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** The input failed the same zod schema the API applies; nothing was sent. */
export class HookfleetValidationError extends HookfleetClientError {
  override readonly code = 'validation_failed';
  readonly issues: IssueDetail[];
  constructor(what: string, issues: IssueDetail[]) {
    super(`invalid ${what}: ${formatIssues(issues)}`);
    this.issues = issues;
  }
}

export interface ApiErrorInit {
  method: string;
  path: string;
  status: number;
  /** The answer's body, parsed when it was JSON. */
  body: unknown;
  retryAfterMs?: number | undefined;
}

interface ApiErrorBody {
  error?: unknown;
  code?: unknown;
  issues?: unknown;
}

function issuesOf(value: unknown): IssueDetail[] {
  if (!Array.isArray(value)) return [];
  return value.map((issue: { path?: unknown; message?: unknown }) => ({ path: String(issue?.path ?? ''), message: String(issue?.message ?? '') }));
}

function hintFor(status: number): string {
  if (status === 401) return ' (check the token: createClient({ token }) or HOOKFLEET_TOKEN)';
  if (status === 403) return ' (this needs the operator token)';
  return '';
}

/** The API answered with an error: its `{ error, code, issues }` body, the status, and the request it answered. */
export class HookfleetApiError extends HookfleetClientError {
  override readonly code: string;
  readonly status: number;
  readonly issues: IssueDetail[];
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** The answer's `Retry-After` in milliseconds, when it sent one (a 429 or 503 the client did not wait out). */
  readonly retryAfterMs: number | undefined;

  constructor(init: ApiErrorInit) {
    const body = (typeof init.body === 'object' && init.body !== null ? init.body : {}) as ApiErrorBody;
    const reason =
      typeof body.error === 'string' && body.error ? body.error : typeof init.body === 'string' && init.body ? init.body.slice(0, 200) : 'no details';
    const issues = issuesOf(body.issues);
    const detail = issues.length > 0 ? `: ${formatIssues(issues)}` : '';
    super(`hookfleet ${init.method} ${init.path} answered ${init.status} ${reason}${detail}${hintFor(init.status)}`);
    this.code = typeof body.code === 'string' && body.code ? body.code : `http_${init.status}`;
    this.status = init.status;
    this.issues = issues;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** No answer at all: the API is down, the URL is wrong, or the network is. */
export class HookfleetConnectionError extends HookfleetClientError {
  override readonly code = 'unreachable';
  readonly url: string;
  /** The system error code, e.g. `ECONNREFUSED`. */
  readonly errorCode: string | undefined;
  constructor(url: string, errorCode: string | undefined, cause?: unknown) {
    super(`cannot reach hookfleet at ${url} (${errorCode ?? 'network error'}); is the API running and HOOKFLEET_URL right?`, { cause });
    this.url = url;
    this.errorCode = errorCode;
  }
}

/** The API did not answer within `timeoutMs` on any try. */
export class HookfleetTimeoutError extends HookfleetClientError {
  override readonly code = 'timeout';
  readonly url: string;
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, cause?: unknown) {
    super(`hookfleet at ${url} did not answer within ${timeoutMs} ms`, { cause });
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/** A delivery's signature, timestamp or body did not check out; the request must be rejected. */
export class WebhookVerificationError extends HookfleetClientError {
  override readonly code = 'webhook_verification_failed';
}
