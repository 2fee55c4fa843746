import type { CompatAnswer, CompatFailure } from '../compat.js';

/** Gigapay (Django REST framework) errors: `{ "detail": "…" }`, or field-keyed message lists for a 400. */
export function gigapayError(failure: CompatFailure): CompatAnswer {
  if (failure.status === 400 && failure.issues?.length) {
    // No prototype: a field named `constructor` or `__proto__` is a field like any other, not Object's own member.
    const fields: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const issue of failure.issues) {
      const field = issue.path.split('.')[0] || 'non_field_errors';
      const key = field === '(body)' ? 'non_field_errors' : field;
      (fields[key] ??= []).push(issue.message);
    }
    return { status: 400, body: fields };
  }
  if (failure.status === 401) {
    const detail = failure.message === 'missing credentials' ? 'Authentication credentials were not provided.' : 'Invalid token.';
    return { status: 401, body: { detail } };
  }
  if (failure.status === 404) return { status: 404, body: { detail: 'Not found.' } };
  return { status: failure.status, body: { detail: failure.message } };
}
