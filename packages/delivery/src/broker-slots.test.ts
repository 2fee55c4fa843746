import { describe, expect, it } from '@jest/globals';
import { BrokerSlots, type SlotResult } from './broker-slots.js';

/** A publish the test ends when it wants. */
function pending<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('BrokerSlots: the isolation rules of HTTP for publishes', () => {
  it.each<[string, (ended: ReturnType<typeof pending<string>>) => void, SlotResult<string>['kind']]>([
    ['a confirmed publish is done', (ended) => ended.resolve('ok'), 'done'],
    ['a refused publish failed', (ended) => ended.reject(new Error('nack')), 'failed'],
  ])('%s', async (_, end, kind) => {
    const slots = new BrokerSlots({ concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 5_000 });
    const ended = pending<string>();
    const result = slots.run(
      'amqp://a',
      () => 'message',
      () => ended.promise,
    );
    end(ended);
    expect((await result).kind).toBe(kind);
    slots.close();
  });

  it('cuts a publish that is not confirmed within the timeout', async () => {
    const slots = new BrokerSlots({ concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 50 });
    const result = await slots.run(
      'amqp://a',
      () => 'message',
      () => new Promise<never>(() => undefined),
    );
    expect(result.kind).toBe('timeout');
    slots.close();
  });

  it('prepares nothing before a slot is free, and throws what prepare throws with the slots given back', async () => {
    const slots = new BrokerSlots({ concurrency: 4, perBrokerConcurrency: 1, timeoutMs: 5_000 });
    const first = pending<string>();
    const running = slots.run(
      'amqp://a',
      () => 'first',
      () => first.promise,
    );
    let prepared = false;
    const waiting = slots.run(
      'amqp://a',
      () => {
        prepared = true;
        return 'second';
      },
      async () => 'second done',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(prepared).toBe(false);
    first.resolve('first done');
    expect(await running).toMatchObject({ kind: 'done', value: 'first done' });
    expect(await waiting).toMatchObject({ kind: 'done', value: 'second done' });
    await expect(
      slots.run(
        'amqp://a',
        () => {
          throw new Error('unbuildable');
        },
        async () => 'never',
      ),
    ).rejects.toThrow('unbuildable');
    expect(
      await slots.run(
        'amqp://a',
        () => 'again',
        async (message) => message,
      ),
    ).toMatchObject({ kind: 'done', value: 'again' });
    slots.close();
  });

  it('turns away the waiters of a broker whose publishes stopped ending, and says it is congested; others go on', async () => {
    const slots = new BrokerSlots({ concurrency: 8, perBrokerConcurrency: 2, timeoutMs: 10_000 });
    const hanging = [pending<string>(), pending<string>()];
    const inFlight = hanging.map((publish) =>
      slots.run(
        'nats://stuck',
        () => 'm',
        () => publish.promise,
      ),
    );
    const waiter = slots.run(
      'nats://stuck',
      () => 'm',
      async () => 'never sent',
    );
    // No publish to it ended for 0.5 s: its waiter is turned away, and new work for it steps aside at once.
    expect(await waiter).toEqual({ kind: 'stalled' });
    expect(slots.isCongested('nats://stuck')).toBe(true);
    expect(
      await slots.run(
        'nats://stuck',
        () => 'm',
        async () => 'never sent',
      ),
    ).toEqual({ kind: 'stalled' });
    expect(
      await slots.run(
        'nats://healthy',
        () => 'm',
        async () => 'sent',
      ),
    ).toMatchObject({ kind: 'done', value: 'sent' });
    for (const publish of hanging) publish.resolve('late');
    await Promise.all(inFlight);
    expect(slots.isCongested('nats://stuck')).toBe(false);
    slots.close();
  });
});
