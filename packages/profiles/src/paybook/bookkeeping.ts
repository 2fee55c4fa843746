import type { DisabledReason } from '@hookfleet/core';
import type { AttemptOutcome, Bookkeeping, BookkeepingEffect } from '../profile.js';

/**
 * The disable policy (ours; Paybook documents the fields, not the rule): a webhook whose attempts fail
 * PAYBOOK_DISABLE_AFTER times in a row, with no success in between, is disabled (`is_disabled: 1`,
 * disabled_reason "failing") and gets nothing more until it is enabled again. `ct_failed` counts every failed
 * attempt and is never reset; `failed_in_a_row` counts since the last success.
 */
export const PAYBOOK_DISABLE_AFTER = 100;

function count(bookkeeping: Bookkeeping, field: string): number {
  const value = Number(bookkeeping[field] ?? 0);
  return Number.isFinite(value) ? value : 0;
}

export function paybookOnAttempt(outcome: AttemptOutcome): BookkeepingEffect {
  return outcome.ok ? { set: { failed_in_a_row: 0 } } : { increment: { ct_failed: 1, failed_in_a_row: 1 } };
}

/** Judged on the stored counts after each job's writes, so a burst of concurrent failures cannot step over it. */
export function paybookDisableWhen(bookkeeping: Bookkeeping): DisabledReason | null {
  return count(bookkeeping, 'failed_in_a_row') >= PAYBOOK_DISABLE_AFTER ? 'failing' : null;
}
