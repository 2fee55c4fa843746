import { afterAll, beforeAll, expect } from '@jest/globals';
import { pino } from 'pino';
import { DeliveryStore } from '@hookfleet/store';
import { startWorker, type RunningWorker } from '../apps/worker/src/worker.js';
import { unfinishedIn, type TestFleet } from './fleet.js';
import { startRefusingFleet, type Refusal, type RefusingFleet } from './mid-request-refusal.js';
import { TestReceiver, type ReceivedRequest } from './receiver.js';
import { waitFor } from './wait.js';

export type { Refusal } from './mid-request-refusal.js';

type Tenant = { id: string; api_key: string };

/** A real HTTP receiver on 127.0.0.1 that records every request it is sent, as TestReceiver does. */
export interface RecordingReceiver {
  readonly requests: readonly ReceivedRequest[];
  url(path: string): string;
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/** The delivery ids that reached `path`, once for each time: a batch's members by their `id`, others by webhook-id. */
export function deliveryIdsSent(requests: readonly ReceivedRequest[], path: string): string[] {
  return requests
    .filter((request) => request.path === path)
    .flatMap((request) => {
      const webhookId = String(request.headers['webhook-id']);
      return webhookId.startsWith('batch_') ? (JSON.parse(request.body) as Array<{ id: string }>).map((member) => member.id) : [webhookId];
    });
}

/**
 * A replay or recover whose chunk Redis starts refusing in the middle of its reset to pending (docs/guarantees.md,
 * "Redis refuses writes"), and what it sent in the end: the refusing fleet of mid-request-refusal.ts with a worker of
 * its own and a receiver, by default one that takes every request at once. A helper, not a test file.
 */
export class RefusingRelayFleet {
  private parts: { setup: RefusingFleet; worker: RunningWorker; receiver: RecordingReceiver; deliveries: DeliveryStore } | undefined;

  /**
   * One for the describe it is called in: started before its tests (beforeAll), stopped after them (afterAll). Its
   * receiver is the one `receiver` makes, not yet started (started and stopped with the rest).
   */
  static forTests(options: { receiver?: () => RecordingReceiver } = {}): RefusingRelayFleet {
    const relayed = new RefusingRelayFleet(options.receiver ?? (() => new TestReceiver(() => ({ status: 200 }))));
    beforeAll(() => relayed.start());
    afterAll(() => relayed.stop());
    return relayed;
  }

  private constructor(private readonly makeReceiver: () => RecordingReceiver) {}

  private get running() {
    if (!this.parts) throw new Error('RefusingRelayFleet not started: a test reads it before beforeAll ran, or after a failed start');
    return this.parts;
  }

  get fleet(): TestFleet {
    return this.running.setup.fleet;
  }

  /** Straight to the private Redis, not through the relay: reads and writes here are never refused. */
  get deliveries(): DeliveryStore {
    return this.running.deliveries;
  }

  /** Publishes `events` before any subscription exists: matched to nothing, kept for a replay or recover to send. Their ids. */
  async publishUnmatched(events: readonly unknown[]): Promise<string[]> {
    const published = await this.fleet.call('POST', '/v1/events/batch', { events });
    expect(published.status).toBe(202);
    await waitFor(async () => (await unfinishedIn([this.running.worker.context.queues.events])) === 0, { message: 'the events matched' });
    return (published.body.results as Array<{ id: string }>).map(({ id }) => id);
  }

  /**
   * The tenant's subscription to `eventPattern`, sent to the receiver's `path`, with the subscription's other `fields`
   * (batch, timeout_ms) besides.
   */
  async subscribe(tenant: Tenant, path: string, eventPattern: string, fields: Record<string, unknown> = {}): Promise<{ id: string }> {
    const created = await this.fleet.call(
      'POST',
      '/v1/subscriptions',
      { ...fields, url: this.running.receiver.url(path), events: [eventPattern] },
      tenant.api_key,
    );
    expect([created.status, created.body.issues]).toEqual([201, undefined]);
    return created.body as { id: string };
  }

  /**
   * Starts the subscription's replay or recover of what came `since`, Redis taking the reset to pending of the first of
   * `deliveryIds` it reaches and refusing (`refusal`) the writes after it; the operation's id, once Redis refuses.
   */
  async startRefusedMidway(
    tenant: Tenant,
    operation: { kind: 'replay' | 'recover'; subscriptionId: string; since: string },
    deliveryIds: readonly string[],
    refusal: Refusal,
  ): Promise<string> {
    const { relay, keys } = this.running.setup;
    const deliveryKeys = new Set(deliveryIds.map((id) => keys.delivery(id)));
    relay.after(([name, key]) => name === 'hset' && deliveryKeys.has(key ?? ''), refusal);
    const started = await this.fleet.call(
      'POST',
      `/v1/subscriptions/${operation.subscriptionId}/${operation.kind}`,
      { since: operation.since },
      tenant.api_key,
    );
    expect(started.status).toBe(202);
    await waitFor(() => relay.fired, { message: 'the reset refused' });
    return started.body.operation_id as string;
  }

  /** Redis takes every write again. */
  writable(): Promise<void> {
    return this.running.setup.writable();
  }

  /** The operation's record, once it no longer reads running. */
  operationEnded(tenant: Tenant, operationId: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const read = (await this.fleet.call('GET', `/v1/operations/${operationId}`, undefined, tenant.api_key)).body;
        return read.status === 'running' ? null : (read as Record<string, unknown>);
      },
      { ...(timeoutMs !== undefined ? { timeoutMs } : {}), message: `operation ${operationId} ended` },
    );
  }

  /** Waits, up to `timeoutMs`, until each of `deliveryIds` reads delivered. */
  async everyDelivered(deliveryIds: readonly string[], timeoutMs: number): Promise<void> {
    await waitFor(async () => (await this.deliveries.states(deliveryIds)).every((state) => state?.status === 'delivered'), {
      timeoutMs,
      message: 'every delivery delivered',
    });
  }

  /**
   * Once every job is done, a chunk's held job included (its hold runs out after HELD_FOR_RESET_MS,
   * packages/queue/src/operator-jobs.ts), up to `jobsDoneWithinMs`, so that all that is sent is here: `path` received
   * each of `deliveryIds` once, alone or in a batch.
   */
  async expectSentOnceEach(path: string, deliveryIds: readonly string[], jobsDoneWithinMs = 30_000): Promise<void> {
    const { worker, receiver } = this.running;
    const { queues } = worker.context;
    await waitFor(async () => (await unfinishedIn([queues.operations, ...queues.deliveries, ...queues.retries])) === 0, {
      timeoutMs: jobsDoneWithinMs,
      message: 'every job done',
    });
    expect(deliveryIdsSent(receiver.requests, path).sort()).toEqual([...deliveryIds].sort());
  }

  private async start(): Promise<void> {
    const receiver = this.makeReceiver();
    await receiver.start();
    let setup: RefusingFleet | undefined;
    try {
      setup = await startRefusingFleet();
      const worker = await startWorker(setup.fleet.config, pino({ level: 'silent' }));
      this.parts = { setup, worker, receiver, deliveries: new DeliveryStore(setup.admin, setup.keys, 3600) };
    } catch (error) {
      // What did start is stopped here: afterAll finds nothing running, and jest no open handle.
      await setup?.stop();
      await receiver.stop();
      throw error;
    }
  }

  private async stop(): Promise<void> {
    if (!this.parts) return;
    const { setup, worker, receiver } = this.parts;
    this.parts = undefined;
    await worker.stop();
    await setup.stop();
    await receiver.stop();
  }
}
