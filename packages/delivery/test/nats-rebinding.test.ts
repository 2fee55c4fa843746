import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { restoreDns, scriptDns } from '../../../test/fake-dns.js';

// Imported only now that test/fake-dns.ts has replaced dns.lookup (jest links a module's built-ins before running it).
const { NatsDestination } = await import('@hookfleet/delivery');

/**
 * The NATS client looks a server's name up itself when it connects. A name that answers a public address to the
 * check and loopback a moment later (a DNS rebinding) must not reach loopback.
 */
describe('a NATS server name that changes its answer', () => {
  let listener: Server;
  let port = 0;
  /** Connections the stand-in broker on loopback got: each one a connection the address rules should have stopped. */
  let reached = 0;

  beforeAll(async () => {
    listener = createServer((socket) => {
      reached += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    restoreDns();
    await new Promise((resolve) => listener.close(resolve));
  });

  it('connects only to an address the guarded lookup allowed', async () => {
    scriptDns('rebinding.hookfleet.test', ['93.184.216.34', '127.0.0.1']);
    const nats = new NatsDestination({ allowPrivateTargets: false, idleMs: 1000, timeoutMs: 2000, concurrency: 4, perBrokerConcurrency: 2 });
    try {
      const outcome = await nats.send({ url: '', destination: { type: 'nats', servers: [`nats://rebinding.hookfleet.test:${port}`], subject: 'hooks' } }, () => ({
        body: '{}',
        headers: { 'webhook-id': 'msg_rebinding' },
      }));
      expect(reached).toBe(0);
      expect(outcome.kind).toBe('error');
      expect(outcome.error).toMatch(/forbidden address 127\.0\.0\.1/);
    } finally {
      await nats.close();
    }
  });
});
