import type { RedisClient } from '@hookfleet/store';
import type { ReceivedRequest } from './receiver.js';

export interface DeliveryAudit {
  /** Requests the receiver got. */
  received: number;
  /** Distinct events that arrived at least once. */
  delivered: number;
  /** Requests beyond the first copy of each delivery. */
  duplicates: number;
  /** duplicates / delivered. */
  duplicateRate: number;
  /** Expected events that never arrived. */
  missing: string[];
  /** Events whose copies disagree: more than one webhook-id, or different bodies. */
  inconsistent: string[];
}

/**
 * What a receiver saw of a set of events: every one at least once, and every copy of a delivery the same
 * (one webhook-id, one body), as at-least-once delivery with receiver-side dedupe needs.
 */
export function auditDeliveries(requests: readonly ReceivedRequest[], expected: Iterable<string>, eventKeyOf: (request: ReceivedRequest) => string): DeliveryAudit {
  const copies = new Map<string, { webhookIds: Set<string>; bodies: Set<string>; count: number }>();
  for (const request of requests) {
    const key = eventKeyOf(request);
    let entry = copies.get(key);
    if (!entry) copies.set(key, (entry = { webhookIds: new Set(), bodies: new Set(), count: 0 }));
    entry.webhookIds.add(String(request.headers['webhook-id']));
    entry.bodies.add(request.body);
    entry.count += 1;
  }
  const missing = [...expected].filter((key) => !copies.has(key));
  const inconsistent = [...copies].filter(([, entry]) => entry.webhookIds.size !== 1 || entry.bodies.size !== 1).map(([key]) => key);
  const duplicates = [...copies.values()].reduce((sum, entry) => sum + entry.count - 1, 0);
  return { received: requests.length, delivered: copies.size, duplicates, duplicateRate: copies.size ? duplicates / copies.size : 0, missing, inconsistent };
}

/** The `data.key` of a standard-profile delivery body. */
export const dataKey = (request: ReceivedRequest): string => String((JSON.parse(request.body) as { data?: { key?: unknown } }).data?.key);

export interface ActiveJob {
  queue: string;
  id: string;
  processedOn: string;
}

/** Every job BullMQ holds as active in these queues, with the time its current run started. */
export async function activeJobs(redis: RedisClient, prefix: string, queues: readonly string[]): Promise<ActiveJob[]> {
  const found: ActiveJob[] = [];
  for (const queue of queues) {
    const ids = await redis.lrange(`${prefix}:${queue}:active`, 0, -1);
    if (ids.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(`${prefix}:${queue}:${id}`, 'processedOn');
    const results = (await pipeline.exec()) ?? [];
    ids.forEach((id, index) => {
      const processedOn = results[index]?.[1];
      if (typeof processedOn === 'string') found.push({ queue, id, processedOn });
    });
  }
  return found;
}

/** Whether a job's lock is still there (its worker renews it; it expires lockDuration after the worker died). */
export async function lockHeld(redis: RedisClient, prefix: string, job: ActiveJob): Promise<boolean> {
  return (await redis.exists(`${prefix}:${job.queue}:${job.id}:lock`)) === 1;
}

/** Whether a job is still in the same run: active, started at the same time. */
export async function stillInSameRun(redis: RedisClient, prefix: string, job: ActiveJob): Promise<boolean> {
  const [processedOn, position] = await Promise.all([
    redis.hget(`${prefix}:${job.queue}:${job.id}`, 'processedOn'),
    redis.lpos(`${prefix}:${job.queue}:active`, job.id),
  ]);
  return processedOn === job.processedOn && position !== null;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Waits a fixed time on purpose: the schedule of a load or fault generator, never a wait for a condition. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
