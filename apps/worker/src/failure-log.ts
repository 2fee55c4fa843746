import { createLogThrottle } from '@hookfleet/core';
import type { Logger } from 'pino';

/**
 * A subscription's failed attempts are written at most once in this long: the first failed part at once, the parts
 * after it within the interval summed into one line at its end. An outage fails every part of every job, and pino
 * spent about 244 µs of the worker's CPU on each line a part (bench/README.md, the twentieth round); the attempt log
 * keeps every attempt (GET /v1/subscriptions/:id/attempts).
 */
export const FAILED_LINE_INTERVAL_MS = 1_000;
/** A line names this many of its failed deliveries, the first ones, each once. */
const FAILED_IDS_LOGGED = 10;

/** One part's failed attempts (or the sum of several parts'), as its `deliveries failed` line says them. */
interface FailedAttempts {
  profile: string;
  subscriptionId: string;
  count: number;
  attempts: Set<number>;
  statusCodes: Record<string, number>;
  /** The first failure's error. */
  error: string | null;
  deliveryIds: string[];
}

/** One failed attempt, as a line counts it. */
export interface FailedAttempt {
  deliveryId: string;
  attempt: number;
  /** The status code, or the outcome when there was none (`timeout`, `refused` …). */
  code: string;
  error: string | null;
}

export interface FailureLog {
  /** A part's failed attempts. */
  record(profile: string, subscriptionId: string, failures: readonly FailedAttempt[]): void;
  /** Writes the lines whose interval has ended (a timer calls it every interval). */
  flush(): void;
  /** Writes every line held back (the worker drains). */
  stop(): void;
}

function lineOf(failed: FailedAttempts, parts: number): Record<string, unknown> {
  return {
    profile: failed.profile,
    subscription_id: failed.subscriptionId,
    count: failed.count,
    attempts: [...failed.attempts].sort((a, b) => a - b),
    status_codes: failed.statusCodes,
    error: failed.error,
    delivery_ids: failed.deliveryIds,
    ...(parts > 1 ? { parts } : {}),
  };
}

/** `now` and the timer are parameters so that unit tests drive the clock. */
export function createFailureLog(logger: Logger, intervalMs = FAILED_LINE_INTERVAL_MS, now: () => number = Date.now): FailureLog {
  const throttle = createLogThrottle(intervalMs, now);
  /** What each subscription's next line will say, and how many parts it sums. */
  const held = new Map<string, { failed: FailedAttempts; parts: number }>();
  const write = (subscriptionId: string): void => {
    const entry = held.get(subscriptionId);
    if (!entry) return;
    held.delete(subscriptionId);
    logger.info(lineOf(entry.failed, entry.parts), 'deliveries failed');
  };
  const timer = setInterval(() => throttle.flush(), intervalMs);
  timer.unref();
  return {
    record(profile, subscriptionId, failures) {
      if (failures.length === 0) return;
      let entry = held.get(subscriptionId);
      if (!entry) {
        entry = {
          failed: { profile, subscriptionId, count: 0, attempts: new Set(), statusCodes: {}, error: failures[0]?.error ?? null, deliveryIds: [] },
          parts: 0,
        };
        held.set(subscriptionId, entry);
      }
      const { failed } = entry;
      entry.parts += 1;
      for (const { deliveryId, attempt, code } of failures) {
        failed.count += 1;
        failed.attempts.add(attempt);
        failed.statusCodes[code] = (failed.statusCodes[code] ?? 0) + 1;
        if (failed.deliveryIds.length < FAILED_IDS_LOGGED && !failed.deliveryIds.includes(deliveryId)) failed.deliveryIds.push(deliveryId);
      }
      throttle(subscriptionId, () => write(subscriptionId));
    },
    flush: () => throttle.flush(),
    stop() {
      clearInterval(timer);
      for (const subscriptionId of [...held.keys()]) write(subscriptionId);
    },
  };
}
