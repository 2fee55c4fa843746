import type { AttemptRecord, EndpointStats, HourlyAttempts } from '@hookfleet/core';

export type AttemptOutcome = 'success' | 'failure' | 'error';

const HOUR_MS = 3_600_000;

/** success: the profile judged it delivered; failure: the endpoint answered with a status; error: no answer (timeout, refused). */
export function attemptOutcome(attempt: Pick<AttemptRecord, 'ok' | 'status_code'>): AttemptOutcome {
  if (attempt.ok) return 'success';
  return attempt.status_code === null ? 'error' : 'failure';
}

/** The endpoint's last 24 h, from its attempt log (newest first, as the store keeps it). */
export function endpointStats(attempts: readonly AttemptRecord[], logLimit: number, now = Date.now(), windowHours = 24): EndpointStats {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const firstHour = currentHour - (windowHours - 1) * HOUR_MS;
  const hourly: HourlyAttempts[] = Array.from({ length: windowHours }, (_, index) => ({
    hour: new Date(firstHour + index * HOUR_MS).toISOString(),
    success: 0,
    failure: 0,
    error: 0,
  }));
  let inWindow = 0;
  let succeeded = 0;
  for (const attempt of attempts) {
    const at = Date.parse(attempt.at);
    if (!(at >= firstHour && at <= now)) continue;
    inWindow += 1;
    const outcome = attemptOutcome(attempt);
    if (outcome === 'success') succeeded += 1;
    const bucket = hourly[Math.floor((at - firstHour) / HOUR_MS)];
    if (bucket) bucket[outcome] += 1;
  }
  const last = attempts[0];
  const oldest = attempts[attempts.length - 1];
  return {
    window_hours: windowHours,
    attempts: inWindow,
    succeeded,
    success_ratio: inWindow === 0 ? null : succeeded / inWindow,
    last_status_code: last?.status_code ?? null,
    last_attempt_at: last?.at ?? null,
    last_error: last && !last.ok ? last.error : null,
    hourly,
    log_limit: logLimit,
    log_truncated: attempts.length >= logLimit && oldest !== undefined && Date.parse(oldest.at) >= firstHour,
  };
}
