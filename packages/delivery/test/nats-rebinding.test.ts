import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CountingListener } from '../../../test/counting-listener.js';
import { restoreDns, scriptDns } from '../../../test/fake-dns.js';

// Imported only now that test/fake-dns.ts has replaced dns.lookup (jest links a module's built-ins before running it).
const { NatsDestination } = await import('@hookfleet/delivery');

/**
 * The NATS client looks a server's name up itself when it connects. A name that answers a public address to the
 * check and loopback a moment later (a DNS rebinding) must not reach loopback.
 */
describe('a NATS server name that changes its answer', () => {
  let listener: CountingListener;

  beforeAll(async () => {
    listener = await new CountingListener().start();
  });
  afterAll(async () => {
    restoreDns();
    await listener.stop();
  });

  it('connects only to an address the guarded lookup allowed', async () => {
    scriptDns('rebinding.hookfleet.test', ['93.184.216.34', '127.0.0.1']);
    const nats = new NatsDestination({ allowPrivateTargets: false, idleMs: 1000, timeoutMs: 2000, concurrency: 4, perBrokerConcurrency: 2 });
    try {
      const outcome = await nats.send({ url: '', destination: { type: 'nats', servers: [`nats://rebinding.hookfleet.test:${listener.port}`], subject: 'hooks' } }, () => ({
        body: '{}',
        headers: { 'webhook-id': 'msg_rebinding' },
      }));
      expect(listener.connections).toBe(0);
      expect(outcome.kind).toBe('error');
      expect(outcome.error).toMatch(/forbidden address 127\.0\.0\.1/);
    } finally {
      await nats.close();
    }
  });
});
