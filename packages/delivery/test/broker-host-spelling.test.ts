import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CountingListener } from '../../../test/counting-listener.js';
import { assertTargetAllowed, NatsDestination, type TargetPolicy } from '@hookfleet/delivery';

/**
 * A broker URL keeps its host as written (`nats://%31%32%37.0.0.1`), while the NATS client reads it as an http(s) host
 * would (127.0.0.1): the address rules must judge the address the client reaches, not the spelling.
 */
describe('broker hosts spelt indirectly', () => {
  let listener: CountingListener;

  beforeAll(async () => {
    listener = await new CountingListener().start();
  });
  afterAll(async () => {
    await listener.stop();
  });

  it.each<[string, string, TargetPolicy]>([
    ['percent-escaped loopback', 'nats://%31%32%37.0.0.1:4222', 'public'],
    ['percent-escaped localhost', 'tls://%6c%6fcalhost:4222', 'public'],
    ['full-width digits of loopback', 'nats://１２７.０.０.１:4222', 'public'],
    ['percent-escaped loopback, with credentials', 'amqp://u:p@%31%32%37.0.0.1:5672', 'public'],
    ['percent-escaped metadata address, private targets allowed', 'nats://%31%36%39.254.169.254:4222', 'private'],
    ['no host at all (the client would use localhost)', 'amqp://', 'public'],
    ['no host, a vhost only', 'amqp:///vhost', 'public'],
    ['a host no client can read (an escaped tab)', 'nats://127.0.0.1%09:4222', 'private'],
  ])('refuses %s: %s', async (_label, address, policy) => {
    await expect(assertTargetAllowed(address, policy)).rejects.toThrow(/not allowed|no host|not a valid host/);
  });

  it.each(['nats://8.8.8.8:4222', 'amqps://u:p@8.8.8.8:5671/vhost', 'nats://[2606:4700:4700::1111]:4222'])('still accepts the public address %s', async (address) => {
    await expect(assertTargetAllowed(address, 'public')).resolves.toBeUndefined();
  });

  it('never connects to loopback for a stored NATS server written as %31%32%37.0.0.1', async () => {
    const nats = new NatsDestination({ allowPrivateTargets: false, idleMs: 1000, timeoutMs: 2000, concurrency: 4, perBrokerConcurrency: 2 });
    try {
      const outcome = await nats.send({ url: '', destination: { type: 'nats', servers: [`nats://%31%32%37.0.0.1:${listener.port}`], subject: 'hooks' } }, () => ({
        body: '{}',
        headers: { 'webhook-id': 'msg_spelling' },
      }));
      expect(listener.connections).toBe(0);
      expect(outcome.kind).toBe('error');
      expect(outcome.error).toMatch(/not allowed/);
    } finally {
      await nats.close();
    }
  });
});
