import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { connect as amqpConnect } from 'amqplib';
import { uniqueName } from '../../../test/brokers.js';
import { PrivateRabbitmq } from '../../../test/private-rabbitmq.js';
import { waitFor } from '../../../test/wait.js';
import { RabbitmqDestination } from './rabbitmq-destination.js';

/** Far above the bound an attempt to a blocked broker must fail within: held until it, an attempt would fail that bound. */
const TIMEOUT_MS = 10_000;
/** How soon an attempt to a blocked broker fails, with room for a slow, busy machine. */
const FAILS_WITHIN_MS = 1_000;
/** The same for the first attempts, which open the connection too. */
const FIRST_FAIL_WITHIN_MS = 3_000;

const request = () => ({ body: '{"a":1}', headers: { 'webhook-id': uniqueName('dlv') } });

/** A TCP relay in front of the broker that counts the connections made through it (each one the destination opened). */
class CountingRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  connections = 0;
  port = 0;

  async start(targetPort: number): Promise<this> {
    this.server = createServer((client) => {
      this.connections += 1;
      const upstream = netConnect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/**
 * A private node whose memory high watermark is 1 byte: its memory alarm is on from the start, and it blocks every
 * connection that publishes (`connection.blocked`, "low on memory") until the watermark is raised.
 */
describe('RabbitmqDestination: a broker that blocks publishers (its memory alarm)', () => {
  const broker = new PrivateRabbitmq();
  const relay = new CountingRelay();
  beforeAll(async () => {
    await broker.start({ memoryHighWatermarkBytes: 1 });
    await relay.start(broker.port);
  }, 90_000);
  afterAll(async () => {
    await relay.stop();
    await broker.remove();
  });

  it('fails attempts at once with the reason, keeps its one connection, and publishes on it as soon as the broker unblocks', async () => {
    const destination = new RabbitmqDestination({ allowPrivateTargets: true, idleMs: 60_000, concurrency: 40, perBrokerConcurrency: 20, timeoutMs: TIMEOUT_MS });
    // Declaring is no publish: the blocked broker answers it.
    const model = await amqpConnect(broker.url);
    const channel = await model.createChannel();
    const exchange = uniqueName('hookfleet-test-x');
    const queueName = uniqueName('hookfleet-test-q');
    await channel.assertExchange(exchange, 'direct', { durable: false });
    await channel.assertQueue(queueName, { durable: false });
    await channel.bindQueue(queueName, exchange, 'webhooks');
    const url = `amqp://guest:guest@127.0.0.1:${relay.port}`;
    const target = { url: '', destination: { type: 'rabbitmq' as const, url, exchange, routing_key: 'webhooks' } };
    try {
      // The broker blocks the connection at its first publish: those sent before the block are failed by it, not
      // reported delivered (the broker holds them, and may take them once it unblocks).
      const first = await Promise.all(Array.from({ length: 3 }, () => destination.send(target, request)));
      for (const outcome of first) {
        expect([outcome.kind, outcome.code]).toEqual(['error', null]);
        expect(outcome.error).toBe(
          'the broker blocked publishing: low on memory; this message was sent before the block and is not confirmed: the broker may still take it once it unblocks (a retry carries the same message id)',
        );
        expect(outcome.durationMs).toBeLessThan(FIRST_FAIL_WITHIN_MS);
      }

      // While blocked, attempts fail without sending, each at once, on the same connection (none dropped and reopened).
      for (let round = 0; round < 3; round += 1) {
        const outcomes = await Promise.all(Array.from({ length: 10 }, () => destination.send(target, request)));
        for (const outcome of outcomes) {
          expect([outcome.kind, outcome.error]).toEqual(['error', 'the broker blocked publishing: low on memory; not sent']);
          expect(outcome.durationMs).toBeLessThan(FAILS_WITHIN_MS);
        }
      }
      expect(relay.connections).toBe(1);
      expect((await channel.checkQueue(queueName)).messageCount).toBe(0);

      // Room again: the broker unblocks the connection, and the next publish on it is confirmed.
      expect(await broker.rpc('vm_memory_monitor', 'set_vm_memory_high_watermark', '[0.9]')).toBe('ok');
      const confirmed = await waitFor(
        async () => {
          const outcome = await destination.send(target, request);
          return outcome.kind === 'answered' ? outcome : undefined;
        },
        { message: 'a publish confirmed after the broker unblocked', intervalMs: 50 },
      );
      expect([confirmed.code, confirmed.error]).toEqual([200, null]);
      expect(relay.connections).toBe(1);
      // The three sent before the block were taken once the broker read them after all (their retries would be
      // second copies, with the same message ids), beside the one confirmed.
      await waitFor(async () => (await channel.checkQueue(queueName)).messageCount === 4, { message: '4 messages in the queue' });
    } finally {
      await channel.deleteQueue(queueName);
      await channel.deleteExchange(exchange);
      await model.close();
      await destination.close();
    }
  });
});
