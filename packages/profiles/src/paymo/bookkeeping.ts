import type { AttemptOutcome, BookkeepingEffect } from '../profile.js';

/** `last_status_code` holds the status of the latest attempt (null when it got none); a `410 Gone` deletes the hook. */
export function paymoOnAttempt(outcome: AttemptOutcome): BookkeepingEffect {
  return { set: { last_status_code: outcome.statusCode }, ...(outcome.statusCode === 410 ? { remove: true } : {}) };
}
