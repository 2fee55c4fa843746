import type { Logger } from 'pino';

/** An error repeated within this interval is written once, then once more with how many times it came meanwhile. */
export const LOG_REPEAT_INTERVAL_MS = 10_000;
/** Distinct lines followed at once; the oldest is forgotten beyond (its held-back count is written first). */
const MAX_TRACKED_LINES = 1_000;

interface Tracked {
  writtenAt: number;
  /** Occurrences since the last written one. */
  held: number;
  /** Writes the line as of its latest occurrence. */
  write: (repeated: number) => void;
}

export interface LogThrottle {
  /**
   * The first occurrence of `key` in an interval is written at once (`repeated`: how many were held back since the
   * line was last written); the next ones in the interval are only counted.
   */
  (key: string, write: (repeated: number) => void): void;
  /** Writes, for every line whose interval has ended with occurrences held back, one line with their count. */
  flush(): void;
}

/** Pure bookkeeping of repeated lines: no timer, the clock is a parameter (unit tests drive it). */
export function createLogThrottle(intervalMs = LOG_REPEAT_INTERVAL_MS, now: () => number = Date.now): LogThrottle {
  const lines = new Map<string, Tracked>();
  const throttle = (key: string, write: (repeated: number) => void): void => {
    const at = now();
    const tracked = lines.get(key);
    if (tracked && at - tracked.writtenAt < intervalMs) {
      tracked.held += 1;
      tracked.write = write;
      return;
    }
    lines.delete(key);
    if (lines.size >= MAX_TRACKED_LINES) {
      const [oldestKey, oldest] = lines.entries().next().value as [string, Tracked];
      if (oldest.held > 0) oldest.write(oldest.held);
      lines.delete(oldestKey);
    }
    write(tracked?.held ?? 0);
    lines.set(key, { writtenAt: at, held: 0, write });
  };
  throttle.flush = (): void => {
    const at = now();
    for (const [key, tracked] of lines) {
      if (at - tracked.writtenAt < intervalMs) continue;
      if (tracked.held > 0) tracked.write(tracked.held);
      lines.delete(key);
    }
  };
  return throttle;
}

/** What makes two errors "the same" in a log: name and message, with numbers and ids (job ids, ports) left out. */
export function errorLineKey(error: unknown): string {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return `${name ?? 'Error'}: ${String(message ?? error).replace(/[0-9a-f]{8,}|\d+/gi, '#')}`;
}

export interface RepeatedErrorLog {
  /** Logs `message` with the error, once per interval for the same message and error, with `repeated` counts. */
  log(level: 'warn' | 'error', message: string, error: unknown, fields?: Record<string, unknown>): void;
  stop(): void;
}

/**
 * A logger for errors that come in floods (Redis refusing writes fails every job and command the same way): each
 * distinct line is written once per interval, and a line `repeated: n` says how many were held back.
 */
export function createRepeatedErrorLog(logger: Logger, intervalMs = LOG_REPEAT_INTERVAL_MS): RepeatedErrorLog {
  const throttle = createLogThrottle(intervalMs);
  const timer = setInterval(() => throttle.flush(), intervalMs);
  timer.unref();
  return {
    log(level, message, error, fields = {}) {
      throttle(`${level}|${message}|${errorLineKey(error)}`, (repeated) => logger[level]({ ...fields, err: error, ...(repeated > 0 ? { repeated } : {}) }, message));
    },
    stop() {
      clearInterval(timer);
      throttle.flush();
    },
  };
}
