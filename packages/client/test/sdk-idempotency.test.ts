import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { createClient } from '../src/index.js';

async function bodyOf(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A proxy in front of the API that loses the answer of the first request matching `dropAnswerOf`: the API acts on it,
 * then the connection to the client is cut, as when a load balancer or the network fails after the fact.
 */
async function answerLosingProxy(apiUrl: string, dropAnswerOf: string): Promise<{ url: string; upstream: string[]; close(): Promise<void> }> {
  const upstream: string[] = [];
  let dropped = false;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      const line = `${request.method} ${request.url}`;
      upstream.push(line);
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const outgoing = forward(`${apiUrl}${request.url}`, { method: request.method, headers: request.headers }, resolve);
        outgoing.once('error', reject);
        outgoing.end(body);
      });
      const answerBody = await bodyOf(answer);
      if (!dropped && line === dropAnswerOf) {
        dropped = true;
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers).end(answerBody);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstream,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('the SDK sends a POST again when its answer was lost, and the API acts once', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant('sdk-idempotency');
  });
  afterAll(() => fleet.stop());

  it('creates one subscription, not two and not an error, when the answer to the first try never arrives', async () => {
    const proxy = await answerLosingProxy(fleet.api.url, 'POST /v1/subscriptions');
    try {
      const client = createClient({ url: proxy.url, token: tenant.api_key, retry: { limit: 2, baseDelayMs: 10 } });
      const created = await client.subscriptions.create({ url: 'https://example.com/lost-answer', events: ['invoice.*'] });
      expect(proxy.upstream).toEqual(['POST /v1/subscriptions', 'POST /v1/subscriptions']);
      const listed = await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key);
      expect(listed.body.data.map((subscription: { id: string }) => subscription.id)).toEqual([created.id]);
    } finally {
      await proxy.close();
    }
  });

  it('waits for a first try that timed out on the client and still runs on the API (409 with Retry-After), then gets its answer', async () => {
    // An endpoint slower than the client's timeout: the test delivery's first try is still running when the next arrives.
    let received = 0;
    const slowEndpoint = createServer((request, response) => {
      received += 1;
      request.resume();
      setTimeout(() => response.writeHead(200).end('slow but fine'), 1_200);
    });
    await new Promise<void>((resolve) => slowEndpoint.listen(0, '127.0.0.1', resolve));
    try {
      const asTenant = createClient({ url: fleet.api.url, token: tenant.api_key });
      const subscription = await asTenant.subscriptions.create({ url: `http://127.0.0.1:${(slowEndpoint.address() as AddressInfo).port}/hook`, events: ['slow.*'] });
      const impatient = createClient({ url: fleet.api.url, token: tenant.api_key, timeoutMs: 500, retry: { limit: 4, baseDelayMs: 10 } });
      const result = await impatient.subscriptions.test(subscription.id);
      expect(result).toMatchObject({ ok: true, status_code: 200 });
      expect(received).toBe(1);
    } finally {
      slowEndpoint.closeAllConnections();
      await new Promise<void>((resolve) => slowEndpoint.close(() => resolve()));
    }
  });
});
