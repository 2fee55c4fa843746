export interface IssueDetail {
  path: string;
  message: string;
}

/** Base of every error the API maps to an HTTP answer; `code` is stable, `status` is the HTTP status. */
export class HookfleetError extends Error {
  readonly code: string = 'internal';
  readonly status: number = 500;
  readonly issues: IssueDetail[] | undefined;
  constructor(message: string, issues?: IssueDetail[]) {
    super(message);
    this.name = new.target.name;
    this.issues = issues;
  }
}

export class ValidationFailed extends HookfleetError {
  override readonly code = 'validation_failed';
  override readonly status = 400;
}

export class Unauthorized extends HookfleetError {
  override readonly code = 'unauthorized';
  override readonly status = 401;
}

export class Forbidden extends HookfleetError {
  override readonly code = 'forbidden';
  override readonly status = 403;
}

export class NotFound extends HookfleetError {
  override readonly code = 'not_found';
  override readonly status = 404;
}

export class Conflict extends HookfleetError {
  override readonly code = 'conflict';
  override readonly status = 409;
}

export class TargetNotAllowed extends HookfleetError {
  override readonly code = 'target_not_allowed';
  override readonly status = 400;
}

export class ServiceUnavailable extends HookfleetError {
  override readonly code = 'unavailable';
  override readonly status = 503;
}

/** The request is well-formed but the stored resource cannot do it (a subscription whose secret cannot sign). */
export class Unprocessable extends HookfleetError {
  override readonly code = 'unprocessable';
  override readonly status = 422;
}
