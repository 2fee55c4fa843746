import type { Logger } from 'pino';
import { createSummedLines, noteId, SUMMED_LINE_INTERVAL_MS } from './summed-log.js';

/** One failed attempt, as a line counts it. */
export interface FailedAttempt {
  deliveryId: string;
  attempt: number;
  /** The status code, or the outcome when there was none (`timeout`, `refused` …). */
  code: string;
  error: string | null;
}

/** One delivery that ended dead on its attempt (its ladder ran out, or 410 Gone). */
export interface DeadDelivery extends FailedAttempt {
  /** The answer's status code (null without an answer): a line about one delivery says it as `status_code`. */
  statusCode: number | null;
}

export interface FailureLog {
  /** A part's failed attempts (`deliveries failed`). */
  record(profile: string, subscriptionId: string, failures: readonly FailedAttempt[]): void;
  /** A part's deliveries that ended dead (`delivery dead`). */
  dead(profile: string, subscriptionId: string, deaths: readonly DeadDelivery[]): void;
  /** Deliveries given up without an attempt (`deliveries abandoned`); `profile` null when the subscription is not known any more. */
  abandoned(profile: string | null, subscriptionId: string, deliveryIds: readonly string[], reason: string): void;
  /** The circuit breaker paused the endpoint (`endpoint circuit open`). */
  circuitOpen(profile: string, subscriptionId: string, consecutiveFailures: number | undefined, pauseMs: number): void;
  /** Writes the lines whose interval has ended (a timer calls it every interval). */
  flush(): void;
  /** Writes every line held back (the worker drains). */
  stop(): void;
}

/** Attempts that failed or ended dead, summed: a `deliveries failed` or `delivery dead` line. */
interface AttemptsSum {
  profile: string;
  subscriptionId: string;
  count: number;
  attempts: Set<number>;
  statusCodes: Record<string, number>;
  /** The first one's error. */
  error: string | null;
  deliveryIds: string[];
}

function openAttempts(profile: string, subscriptionId: string, first: FailedAttempt | undefined): AttemptsSum {
  return { profile, subscriptionId, count: 0, attempts: new Set(), statusCodes: {}, error: first?.error ?? null, deliveryIds: [] };
}

function addAttempts(sum: AttemptsSum, attempts: readonly FailedAttempt[]): void {
  for (const { deliveryId, attempt, code } of attempts) {
    sum.count += 1;
    sum.attempts.add(attempt);
    sum.statusCodes[code] = (sum.statusCodes[code] ?? 0) + 1;
    noteId(sum.deliveryIds, deliveryId);
  }
}

function attemptsFields(sum: AttemptsSum, parts: number): Record<string, unknown> {
  return {
    profile: sum.profile,
    subscription_id: sum.subscriptionId,
    count: sum.count,
    attempts: [...sum.attempts].sort((a, b) => a - b),
    status_codes: sum.statusCodes,
    error: sum.error,
    delivery_ids: sum.deliveryIds,
    ...(parts > 1 ? { parts } : {}),
  };
}

interface Part<Item> {
  profile: string;
  items: readonly Item[];
}

/**
 * A failing subscription's lines, each written at most once a subscription and interval with what it sums
 * (summed-log.ts): an outage of one endpoint writes a few lines a second, not one a part or a delivery.
 * `now` and the interval are parameters so that unit tests drive the clock.
 */
export function createFailureLog(logger: Logger, intervalMs = SUMMED_LINE_INTERVAL_MS, now: () => number = Date.now): FailureLog {
  const lines = createSummedLines(logger, intervalMs, now);
  const failed = lines.line<Part<FailedAttempt> & { subscriptionId: string }, AttemptsSum>('info', 'deliveries failed', {
    open: ({ profile, subscriptionId, items }) => openAttempts(profile, subscriptionId, items[0]),
    add: (sum, { items }) => addAttempts(sum, items),
    fields: attemptsFields,
  });
  const dead = lines.line<Part<DeadDelivery> & { subscriptionId: string }, AttemptsSum & { single?: DeadDelivery }>('warn', 'delivery dead', {
    open: ({ profile, subscriptionId, items }) => openAttempts(profile, subscriptionId, items[0]),
    add(sum, { items }) {
      sum.single = sum.count === 0 && items.length === 1 ? items[0] : undefined;
      addAttempts(sum, items);
    },
    // A line about one delivery also names it as the line always did, for the searches that read it so.
    fields: (sum, parts) => ({
      ...attemptsFields(sum, parts),
      ...(sum.single ? { delivery_id: sum.single.deliveryId, attempt: sum.single.attempt, status_code: sum.single.statusCode } : {}),
    }),
  });
  const abandoned = lines.line<
    { profile: string | null; subscriptionId: string; deliveryIds: readonly string[]; reason: string },
    { profile: string | null; subscriptionId: string; count: number; reasons: Record<string, number>; deliveryIds: string[] }
  >('info', 'deliveries abandoned', {
    open: ({ profile, subscriptionId }) => ({ profile, subscriptionId, count: 0, reasons: {}, deliveryIds: [] }),
    add(sum, { profile, deliveryIds, reason }) {
      sum.profile ??= profile;
      sum.count += deliveryIds.length;
      sum.reasons[reason] = (sum.reasons[reason] ?? 0) + deliveryIds.length;
      for (const id of deliveryIds) noteId(sum.deliveryIds, id);
    },
    fields: (sum, parts) => ({
      profile: sum.profile,
      subscription_id: sum.subscriptionId,
      count: sum.count,
      reasons: sum.reasons,
      delivery_ids: sum.deliveryIds,
      ...(parts > 1 ? { parts } : {}),
    }),
  });
  const circuitOpen = lines.line<
    { profile: string; subscriptionId: string; consecutiveFailures: number | undefined; pauseMs: number },
    { profile: string; subscriptionId: string; consecutiveFailures: number; pauseMs: number; pausedUntil: number }
  >('warn', 'endpoint circuit open', {
    open: ({ profile, subscriptionId }) => ({ profile, subscriptionId, consecutiveFailures: 0, pauseMs: 0, pausedUntil: 0 }),
    add(sum, { consecutiveFailures, pauseMs }) {
      sum.consecutiveFailures = Math.max(sum.consecutiveFailures, consecutiveFailures ?? 0);
      sum.pauseMs = Math.max(sum.pauseMs, pauseMs);
      sum.pausedUntil = Math.max(sum.pausedUntil, now() + pauseMs);
    },
    // `count`: how many parts opened (or lengthened) the pause; `paused_until`: when the endpoint is tried again.
    fields: (sum, parts) => ({
      profile: sum.profile,
      subscription_id: sum.subscriptionId,
      count: parts,
      consecutive_failures: sum.consecutiveFailures,
      pause_ms: sum.pauseMs,
      paused_until: new Date(sum.pausedUntil).toISOString(),
    }),
  });
  return {
    record(profile, subscriptionId, failures) {
      if (failures.length > 0) failed(subscriptionId, { profile, subscriptionId, items: failures });
    },
    dead(profile, subscriptionId, deaths) {
      if (deaths.length > 0) dead(subscriptionId, { profile, subscriptionId, items: deaths });
    },
    abandoned(profile, subscriptionId, deliveryIds, reason) {
      if (deliveryIds.length > 0) abandoned(subscriptionId, { profile, subscriptionId, deliveryIds, reason });
    },
    circuitOpen(profile, subscriptionId, consecutiveFailures, pauseMs) {
      circuitOpen(subscriptionId, { profile, subscriptionId, consecutiveFailures, pauseMs });
    },
    flush: () => lines.flush(),
    stop: () => lines.stop(),
  };
}
