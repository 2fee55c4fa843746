import { HookfleetApiError, HookfleetConnectionError, HookfleetTimeoutError, HookfleetValidationError } from '@hookfleet/client';
import { describeIssue, type FieldFlags } from './field-flags.js';

/** The process's exit codes, stable for scripts (docs/operations.md, "The CLI"). */
export const ExitCode = {
  ok: 0,
  /** The API refused the request (4xx other than below, 5xx) or an operation failed. */
  failed: 1,
  /** The command line is wrong: unknown command or flag, missing argument, bad time, invalid input. */
  usage: 2,
  /** No answer from the API: down, wrong URL, or too slow. */
  unreachable: 3,
  /** 401 or 403: the token is missing, wrong, or not the operator's. */
  auth: 4,
  /** 404: the subscription, delivery or operation does not exist (or belongs to another tenant). */
  notFound: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake in the command line; `main` adds a pointer to the command's --help. */
export class UsageError extends Error {
  readonly code = 'usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The request went through but what it started did not succeed (an operation that ended `failed`). */
export class CommandFailed extends Error {
  readonly code = 'failed';
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailed';
  }
}

/**
 * A failure after part of the work was done: the user sees the cause's line, then `note` (what was done, what to do
 * now); the exit code is the cause's.
 */
export class FailedPartway extends Error {
  readonly code = 'failed_partway';
  constructor(
    readonly failure: unknown,
    readonly note: string,
  ) {
    super(note);
    this.name = 'FailedPartway';
  }
}

export interface Failure {
  /** One line, without the `error: ` prefix. */
  message: string;
  exitCode: ExitCode;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function apiReason(error: HookfleetApiError): string {
  const body = error.body;
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' && body.error) return body.error;
  if (typeof body === 'string' && body) return body.slice(0, 200);
  return 'no details';
}

/** What the failing command line held that an error's explanation depends on. */
export interface FailureContext {
  /** Whether a token was sent (`--token` or HOOKFLEET_TOKEN): a 401 without one is a missing token, not a wrong one. */
  tokenGiven?: boolean;
  /** The rows of the command's field table whose flag was given (field-flags.ts): a refused field names its flag. */
  fieldFlags?: FieldFlags;
}

function issueList(error: HookfleetApiError | HookfleetValidationError, context: FailureContext): string {
  return error.issues.map((issue) => describeIssue(issue, context.fieldFlags ?? [])).join('; ');
}

/** The SDK's own check of the input, `invalid <what>: <issues>`, its issues told as the API's are. */
function describeValidationError(error: HookfleetValidationError, context: FailureContext): string {
  if (error.issues.length === 0) return error.message;
  const headline = error.message.split(': ', 1)[0] as string;
  return `${headline}: ${issueList(error, context)}`;
}

function describeApiError(error: HookfleetApiError, context: FailureContext): Failure {
  const reason = apiReason(error);
  const status = error.status;
  if (status === 401 && context.tokenGiven === false) return { message: `no token was sent (401 ${reason}); set HOOKFLEET_TOKEN or pass --token`, exitCode: ExitCode.auth };
  if (status === 401) return { message: `the API refused the token (401 ${reason}); set HOOKFLEET_TOKEN or pass --token`, exitCode: ExitCode.auth };
  // The CLI's tenant-key refusals are 404s (another tenant's objects); a 403 is a route of the operator's.
  if (status === 403) return { message: `${reason} (403); set HOOKFLEET_TOKEN (or --token) to the admin token`, exitCode: ExitCode.auth };
  if (status === 404) return { message: `${reason} (404)`, exitCode: ExitCode.notFound };
  const issues = error.issues.length > 0 ? `: ${issueList(error, context)}` : '';
  // A 429 or 503 the CLI's retries did not wait out: when to run the command again is what the person needs next.
  const again = error.retryAfterMs === undefined ? '' : `; try again in ${Math.max(1, Math.ceil(error.retryAfterMs / 1000))} s`;
  if (status >= 400 && status < 500) return { message: `${reason}${issues} (${status})${again}`, exitCode: ExitCode.failed };
  return { message: `the API answered ${status}: ${reason}${issues}${again}`, exitCode: ExitCode.failed };
}

/** Any error a command throws, as the one line the user sees and the exit code scripts see. */
export function describeFailure(error: unknown, context: FailureContext = {}): Failure {
  let failure: Failure;
  if (error instanceof FailedPartway) {
    const cause = describeFailure(error.failure, context);
    failure = { message: `${cause.message}; ${error.note}`, exitCode: cause.exitCode };
  } else if (error instanceof UsageError) failure = { message: error.message, exitCode: ExitCode.usage };
  else if (error instanceof HookfleetValidationError) failure = { message: describeValidationError(error, context), exitCode: ExitCode.usage };
  else if (error instanceof HookfleetApiError) failure = describeApiError(error, context);
  else if (error instanceof HookfleetConnectionError)
    failure = {
      message: `cannot reach hookfleet at ${error.url} (${error.errorCode ?? 'network error'}); is the API running? (HOOKFLEET_URL or --url)`,
      exitCode: ExitCode.unreachable,
    };
  else if (error instanceof HookfleetTimeoutError)
    failure = { message: `hookfleet at ${error.url} did not answer within ${error.timeoutMs} ms`, exitCode: ExitCode.unreachable };
  else if (error instanceof CommandFailed) failure = { message: error.message, exitCode: ExitCode.failed };
  else if (error instanceof Error) failure = { message: error.message || error.name, exitCode: ExitCode.failed };
  else failure = { message: String(error), exitCode: ExitCode.failed };
  return { ...failure, message: oneLine(failure.message) };
}
