import { createLogThrottle } from '@hookfleet/core';
import type { Logger } from 'pino';

/**
 * Each of a subscription's outage lines (failed, dead, abandoned, circuit open) is written at most once in this long:
 * the first occurrence at once, the ones after it within the interval summed into one line at its end. An outage
 * repeats each of them for every part of every job, and pino spent about 244 µs of the worker's CPU on a line
 * (bench/README.md, the twentieth round); the attempt log and the delivery log keep every attempt and delivery.
 */
export const SUMMED_LINE_INTERVAL_MS = 1_000;
/** A summed line names this many of its deliveries, the first ones, each once. */
export const IDS_LOGGED = 10;

/** How one kind of line sums its occurrences: `Sum` is what the line will say. */
export interface LineSum<Occurrence, Sum> {
  /** A subscription's empty sum, from the first occurrence it will hold (what does not add up: profile, first error). */
  open(first: Occurrence): Sum;
  add(sum: Sum, occurrence: Occurrence): void;
  /** The line; `parts`: how many occurrences it sums. */
  fields(sum: Sum, parts: number): Record<string, unknown>;
}

export interface SummedLines {
  /** A kind of line: the function that records one of its occurrences for a subscription. */
  line<Occurrence, Sum>(level: 'info' | 'warn', message: string, sum: LineSum<Occurrence, Sum>): (subscriptionId: string, occurrence: Occurrence) => void;
  /** Writes the lines whose interval has ended (a timer calls it every interval). */
  flush(): void;
  /** Writes every line held back (the worker drains). */
  stop(): void;
}

/** Adds `id` to a line's first ids (each once, at most IDS_LOGGED). */
export function noteId(ids: string[], id: string): void {
  if (ids.length < IDS_LOGGED && !ids.includes(id)) ids.push(id);
}

/** Per subscription and kind of line, over one LogThrottle and one timer. `now` is a parameter so that unit tests drive the clock. */
export function createSummedLines(logger: Logger, intervalMs = SUMMED_LINE_INTERVAL_MS, now: () => number = Date.now): SummedLines {
  const throttle = createLogThrottle(intervalMs, now);
  const writeHeld: Array<() => void> = [];
  const timer = setInterval(() => throttle.flush(), intervalMs);
  timer.unref();
  return {
    line<Occurrence, Sum>(level: 'info' | 'warn', message: string, sum: LineSum<Occurrence, Sum>) {
      /** What each subscription's next line will say, and how many occurrences it sums. */
      const held = new Map<string, { sum: Sum; parts: number }>();
      const write = (subscriptionId: string): void => {
        const entry = held.get(subscriptionId);
        if (!entry) return;
        held.delete(subscriptionId);
        logger[level](sum.fields(entry.sum, entry.parts), message);
      };
      writeHeld.push(() => {
        for (const subscriptionId of [...held.keys()]) write(subscriptionId);
      });
      return (subscriptionId: string, occurrence: Occurrence) => {
        let entry = held.get(subscriptionId);
        if (!entry) {
          entry = { sum: sum.open(occurrence), parts: 0 };
          held.set(subscriptionId, entry);
        }
        entry.parts += 1;
        sum.add(entry.sum, occurrence);
        throttle(`${message}\0${subscriptionId}`, () => write(subscriptionId));
      };
    },
    flush: () => throttle.flush(),
    stop() {
      clearInterval(timer);
      for (const write of writeHeld) write();
    },
  };
}
