import { DelayedError, type Job } from 'bullmq';
import type { RepeatedErrorLog } from '@hookfleet/core';
import { isStoreError, type StoreWriteHealth } from '@hookfleet/store';
import { moveToDelayedUnrenewed } from './step-aside.js';

/** The first wait of a job that met a store error… */
export const STORE_RETRY_FIRST_MS = 1_000;
/** …growing with the outage, up to this: a store back after an hour is used within half a minute. */
export const STORE_RETRY_MAX_MS = 30_000;
/** A wait scaled down by RETRY_DELAY_SCALE (tests) never goes below this, or jobs would spin on a refusing store. */
const STORE_RETRY_MIN_MS = 100;

/**
 * How long a job waits after a store error when the store has been failing for `outageMs`: about as long as the
 * outage has lasted (so the waits double while it goes on), between the first wait and the cap.
 */
export function storeRetryDelayMs(outageMs: number, retryDelayScale: number): number {
  const unscaled = Math.min(STORE_RETRY_MAX_MS, Math.max(STORE_RETRY_FIRST_MS, outageMs));
  return Math.max(STORE_RETRY_MIN_MS, Math.round(unscaled * retryDelayScale));
}

export interface StoreWaitOptions {
  writeHealth: StoreWriteHealth;
  log: RepeatedErrorLog;
  retryDelayScale: number;
}

type Processor<Data, Result> = (job: Job<Data>, token?: string) => Promise<Result>;

/**
 * Every job of a worker carries accepted work (an event to match, deliveries to send or record, an operation), so a
 * store error (Redis away, or refusing writes: out of memory, read-only) must never spend the job's attempts: the job
 * goes back to the delayed set without counting an attempt (BullMQ's moveToDelayed) and runs again once the wait is
 * over, as often as it takes. Its own failures (a bug, a delivery's failed attempt) still go through its attempts and
 * backoff. What the job did before the error is safe to do again: every step on the delivery path is idempotent, and a
 * delivery sent but not recorded is sent again (at least once). If even the move is refused, the error goes to BullMQ
 * as usual (the job's attempts are its last line).
 */
export function waitOutStoreErrors<Data, Result>(processor: Processor<Data, Result>, options: StoreWaitOptions): Processor<Data, Result> {
  /** When this process met the first store error of the current outage; cleared by the next job that gets through. */
  let outageSince: number | undefined;
  return async (job, token) => {
    try {
      const result = await processor(job, token);
      // Its writes were taken: the gauge says so without waiting for the next /readyz probe, whichever of the
      // process's queues met the refusal (that one may get no job for a while).
      options.writeHealth.noteWritable();
      outageSince = undefined;
      return result;
    } catch (error) {
      // A failed delivery attempt never arrives here (the engine settles it and schedules its retry), so an endpoint's
      // error that reads like Redis's ("connect ECONNREFUSED") climbs its ladder, not this wait.
      if (!isStoreError(error)) throw error;
      options.writeHealth.noteError(error);
      outageSince ??= Date.now();
      const delayMs = storeRetryDelayMs(Date.now() - outageSince, options.retryDelayScale);
      options.log.log('warn', 'store error: the job waits and runs again, its attempts untouched', error, { queue: job.queueName, delay_ms: delayMs });
      try {
        await moveToDelayedUnrenewed(job, Date.now() + delayMs, token);
      } catch {
        throw error;
      }
      throw new DelayedError();
    }
  };
}
