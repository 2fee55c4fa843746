import { afterAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { freePort, NATS_SERVER, NatsStream, PrivateNatsServer, uniqueName } from '../../../test/brokers.js';
import { NatsDestination } from './nats-destination.js';

const request = () => ({ body: '{"a":1}', headers: { 'webhook-id': uniqueName('dlv') } });
const options = { allowPrivateTargets: true, idleMs: 60_000, concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 3_000 };

describe('NatsDestination against a real server', () => {
  const destination = new NatsDestination(options);
  afterAll(() => destination.close());

  it.each([
    ['a JSON reply that names no stream', '{"ok":true}'],
    ['a reply that is not JSON', 'OK'],
  ])('does not count as delivered %s from a plain NATS service on the subject (no stream kept it)', async (_, reply) => {
    const subject = `${uniqueName('hookfleet-test-core')}.webhooks`;
    const service = await connect({ servers: NATS_SERVER });
    try {
      service.subscribe(subject, { callback: (_error, message) => message.respond(reply) });
      await service.flush();
      const outcome = await destination.send({ url: '', destination: { type: 'nats', servers: [NATS_SERVER], subject } }, request);
      expect(outcome.kind).toBe('error');
      expect(outcome.error).toBe(`not acknowledged by a JetStream stream: what answered on subject '${subject}' is not a stream (no stream or sequence in its reply)`);
    } finally {
      await service.close();
    }
  });

  it('opens a fresh connection for the first delivery after the server restarted while the pooled one idled', async () => {
    const server = await new PrivateNatsServer(await freePort()).start();
    const stream = await new NatsStream(server.url).start();
    const restarted = new NatsDestination(options);
    try {
      const target = { url: '', destination: { type: 'nats' as const, servers: [server.url], subject: stream.subject } };
      expect((await restarted.send(target, request)).kind).toBe('answered');
      await server.stop();
      await server.start();
      const next = await restarted.send(target, request);
      expect([next.kind, next.error]).toEqual(['answered', null]);
    } finally {
      await restarted.close();
      await stream.disconnect();
      await server.remove();
    }
  });
});
