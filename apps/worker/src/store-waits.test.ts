import { describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { createRepeatedErrorLog } from '@hookfleet/core';
import { Keys, StoreWriteHealth, type RedisClient } from '@hookfleet/store';
import pino from 'pino';
import { storeRetryDelayMs, STORE_RETRY_FIRST_MS, STORE_RETRY_MAX_MS, waitOutStoreErrors } from './store-waits.js';

describe('the wait of a job after a store error', () => {
  it.each([
    [0, 1, STORE_RETRY_FIRST_MS],
    [500, 1, STORE_RETRY_FIRST_MS],
    [4_000, 1, 4_000],
    [29_000, 1, 29_000],
    [3_600_000, 1, STORE_RETRY_MAX_MS],
    [3_600_000, 0.01, 300],
    [0, 0.00001, 100],
  ])('after an outage of %i ms at scale %s: %i ms', (outageMs, scale, expected) => {
    expect(storeRetryDelayMs(outageMs, scale)).toBe(expected);
  });
});

describe('the writable gauge after a store refusal', () => {
  it('goes back to 1 when a job of any queue gets through, not only one of the queue that met the refusal', async () => {
    const gauge: number[] = [];
    const health = new StoreWriteHealth({} as RedisClient, new Keys('t'), { refused: { inc: () => undefined }, writable: { set: (value) => gauge.push(value) } });
    const log = createRepeatedErrorLog(pino({ enabled: false }));
    // The matcher's queue met the refusal and gets no job for a while; a delivery job gets through.
    expect(health.noteError(new Error("OOM command not allowed when used memory > 'maxmemory'."))).toBe(true);
    const deliveryJobs = waitOutStoreErrors(async () => 'done', { writeHealth: health, log, retryDelayScale: 1 });
    expect(await deliveryJobs({} as Job, undefined)).toBe('done');
    expect(gauge).toEqual([0, 1]);
    // Jobs while nothing was refused leave the gauge alone.
    await deliveryJobs({} as Job, undefined);
    expect(gauge).toEqual([0, 1]);
    log.stop();
  });
});
