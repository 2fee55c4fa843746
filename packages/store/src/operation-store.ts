import type { RedisClient } from './redis.js';
import { newId, type Operation, type OperationKind, type OperationStatus } from '@hookfleet/core';
import type { Keys } from './keys.js';
import { execChecked } from './batch.js';

// Declared in core with the other domain shapes (the portal reads them too); still exported from here.
export type { Operation, OperationKind, OperationStatus };

/** Operations are kept a week after they start, for GET /v1/operations/:id. */
const OPERATION_TTL_SECONDS = 7 * 24 * 3600;

/** Progress of background operations (recover, replay), readable from any API process. */
export class OperationStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  async create(kind: OperationKind, tenant: string, subscriptionId: string): Promise<Operation> {
    const operation: Operation = { id: newId('op'), kind, status: 'running', total: 0, done: 0, tenant, subscription_id: subscriptionId, created_at: new Date().toISOString(), error: null };
    const key = this.keys.operation(operation.id);
    await execChecked(this.redis.multi().hset(key, { ...operation, error: '' }).expire(key, OPERATION_TTL_SECONDS));
    return operation;
  }

  /**
   * Forgets an operation whose job could not be enqueued, so it never reads `running` without running. DEL needs no
   * memory, so a Redis at its limit takes it; one that refuses it too leaves the record to its expiry.
   */
  async discard(id: string): Promise<void> {
    await this.redis.del(this.keys.operation(id)).catch(() => undefined);
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

  async update(id: string, fields: Partial<Pick<Operation, 'status' | 'total' | 'done' | 'error'>>): Promise<void> {
    const values = Object.fromEntries(Object.entries(fields).map(([field, value]) => [field, value === null ? '' : String(value)]));
    if (Object.keys(values).length > 0) await this.redis.hset(this.keys.operation(id), values);
  }
}
