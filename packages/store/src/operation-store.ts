import type { RedisClient } from './redis.js';
import { newId, type Operation, type OperationKind, type OperationStatus, type Page } from '@hookfleet/core';
import type { Keys } from './keys.js';
import { execChecked } from './batch.js';
import { decodeCursor, encodeCursor, newestFirst, type ScoredId } from './page-cursor.js';

// Declared in core with the other domain shapes (the portal reads them too); still exported from here.
export type { Operation, OperationKind, OperationStatus };

/** Operations are kept a week after they start, for GET /v1/operations/:id; so are their entries in a subscription's list. */
export const OPERATION_TTL_SECONDS = 7 * 24 * 3600;

// KEYS: the operation. ARGV: the status to end it with, its error ('' for none). Returns the status read (nil: no record).
// Only a running operation ends, once: of a cancel and the worker's end at once, the first wins and the other learns it.
const END_IF_RUNNING = `
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'running' then redis.call('HSET', KEYS[1], 'status', ARGV[1], 'error', ARGV[2]) end
return status
`;

// KEYS: the operation. ARGV: field, value, … Returns 1 if written, 0 if the record is gone.
// Progress of a record that expired or was discarded would otherwise make a partial record, without TTL, for ever.
const UPDATE_IF_PRESENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** How `end` found the operation: ended by this call, ended before (with its status), or not there. */
export type EndOutcome = { ended: true } | { ended: false; status: OperationStatus | null };

/** Progress of background operations (recover, replay), readable from any API process. */
export class OperationStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  /**
   * Records a running operation, listed first under its subscription. The list's entry is written before the record
   * (two slots on a cluster, so two writes): an entry whose record was never written is skipped by `list`, while a
   * record without its entry would be an operation its subscription's list never shows.
   */
  async create(kind: OperationKind, tenant: string, subscriptionId: string): Promise<Operation> {
    const now = Date.now();
    const operation: Operation = { id: newId('op'), kind, status: 'running', total: 0, done: 0, tenant, subscription_id: subscriptionId, created_at: new Date(now).toISOString(), error: null };
    const listed = this.keys.subscriptionOperations(subscriptionId);
    await execChecked(
      this.redis
        .multi()
        .zadd(listed, now, operation.id)
        .zremrangebyscore(listed, '-inf', now - OPERATION_TTL_SECONDS * 1000)
        .expire(listed, OPERATION_TTL_SECONDS),
    );
    const key = this.keys.operation(operation.id);
    await execChecked(this.redis.multi().hset(key, { ...operation, error: '' }).expire(key, OPERATION_TTL_SECONDS));
    return operation;
  }

  /**
   * Forgets an operation whose job could not be enqueued, so it never reads `running` without running. DEL and ZREM
   * need no memory, so a Redis at its limit takes them; one that refuses them too leaves both to their expiry.
   */
  async discard(operation: Pick<Operation, 'id' | 'subscription_id'>): Promise<void> {
    await Promise.all([
      this.redis.del(this.keys.operation(operation.id)).catch(() => undefined),
      this.redis.zrem(this.keys.subscriptionOperations(operation.subscription_id), operation.id).catch(() => undefined),
    ]);
  }

  async get(id: string): Promise<Operation | null> {
    const fields = await this.redis.hgetall(this.keys.operation(id));
    if (!fields.id) return null;
    return {
      id: fields.id,
      kind: fields.kind as OperationKind,
      status: fields.status as OperationStatus,
      total: Number(fields.total ?? 0),
      done: Number(fields.done ?? 0),
      tenant: fields.tenant ?? '',
      subscription_id: fields.subscription_id ?? '',
      created_at: fields.created_at ?? '',
      error: fields.error || null,
    };
  }

  /** The operation's status alone (null: no record), read by the worker before each chunk. */
  async status(id: string): Promise<OperationStatus | null> {
    return ((await this.redis.hget(this.keys.operation(id), 'status')) as OperationStatus | null) ?? null;
  }

  /**
   * Progress, written only to a record that is still there (its TTL kept). The status changes only through `end`, so a
   * progress write never undoes a cancel.
   */
  async update(id: string, fields: Partial<Pick<Operation, 'total' | 'done'>>): Promise<void> {
    const values = Object.entries(fields).flatMap(([field, value]) => (value === undefined ? [] : [field, String(value)]));
    if (values.length > 0) await this.redis.eval(UPDATE_IF_PRESENT, 1, this.keys.operation(id), ...values);
  }

  /** Ends a running operation (`done`, `failed` by its worker; `canceled` by its caller): compare-and-set on its status. */
  async end(id: string, status: Exclude<OperationStatus, 'running'>, error: string | null = null): Promise<EndOutcome> {
    const read = (await this.redis.eval(END_IF_RUNNING, 1, this.keys.operation(id), status, error ?? '')) as OperationStatus | null;
    return read === 'running' ? { ended: true } : { ended: false, status: read ?? null };
  }

  /**
   * A subscription's operations of the last week, newest first, `limit` a page; `cursor` is the position of the page
   * before's last (page-cursor.ts: a cursor not given out is a 400 at `cursor`).
   */
  async list(subscriptionId: string, options: { limit: number; cursor?: string | undefined }): Promise<Page<Operation>> {
    const window = { min: Date.now() - OPERATION_TTL_SECONDS * 1000, max: Number.POSITIVE_INFINITY, after: options.cursor ? decodeCursor(options.cursor) : undefined };
    const data: Operation[] = [];
    for await (const entries of newestFirst(this.redis, this.keys.subscriptionOperations(subscriptionId), window, Math.max(options.limit * 2, 100))) {
      const operations = await Promise.all(entries.map(([id]) => this.get(id)));
      for (let index = 0; index < entries.length; index += 1) {
        const operation = operations[index];
        // Expired, or discarded because its job was never enqueued.
        if (!operation) continue;
        data.push(operation);
        if (data.length === options.limit) return { data, next_cursor: encodeCursor(entries[index] as ScoredId) };
      }
    }
    return { data, next_cursor: null };
  }
}
