import type { HookfleetMetrics } from './metrics.js';

/** What a process counts: the API ingests events, a worker matches them, delivers them, or both (WORKER_ROLES). */
export type CountingRole = 'api' | 'matcher' | 'delivery';

/**
 * The counters each role counts whose only label is `profile`. A counter series is served from its first count, so it
 * appears already at 1 and increase() and rate() see no increase in it: a worker's first dead delivery read as none on
 * the dashboard and in profile:hookfleet_deliveries_dead:per_minute_5m. Their label values are the profiles, known up
 * front and few, so each is served at 0 from the process's start.
 *
 * Left out: the attempts counter (profile × outcome × status class × destination: 576 series a worker in full, and
 * which of them occur depends on each profile's success rule and each destination, so a subset would be a guess that
 * goes stale; its readers are rates and ratios over many attempts, where a worker's first one is noise), the
 * disabled-subscriptions counter (which profiles disable or remove subscriptions, and why, is each profile's own
 * bookkeeping) and the histograms (read as quantiles, never as counts).
 */
export const PROFILE_COUNTERS = {
  // The API counts the deliveries it hands over to batching subscriptions at acceptance (packages/queue/src/hand-over.ts).
  api: ['eventsIngested', 'eventsDeduplicated', 'deliveriesEnqueued'],
  matcher: ['deliveriesEnqueued'],
  delivery: ['deliveriesDead', 'deliveriesThrottled'],
} as const satisfies Record<CountingRole, ReadonlyArray<keyof HookfleetMetrics>>;

/** Serves at 0, from now, the per-profile counters of the process's roles for every profile given. */
export function serveProfileCountersFromZero(metrics: HookfleetMetrics, roles: readonly CountingRole[], profiles: readonly string[]): void {
  for (const role of roles) for (const counter of PROFILE_COUNTERS[role]) for (const profile of profiles) metrics[counter].inc({ profile }, 0);
}
