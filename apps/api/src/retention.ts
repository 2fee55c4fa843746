import { ValidationFailed } from '@hookfleet/core';

/** Refuses a window that starts before the retention: those events are gone, and the answer should say so. */
export function assertWithinRetention(since: number, retentionMs: number, path = 'since'): void {
  if (since < Date.now() - retentionMs - 60_000) {
    const hours = Math.round(retentionMs / 3_600_000);
    throw new ValidationFailed('window beyond the retention', [{ path, message: `events are kept for ${hours} h (HOOKFLEET_EVENT_RETENTION_HOURS): since must be within it` }]);
  }
}
