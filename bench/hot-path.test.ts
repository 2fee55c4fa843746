// The benchmark's optimisations must not change behaviour: the node:crypto signature equals the standardwebhooks
// library's, the semaphore stays FIFO, and the transport's own HTTP/1.1 connections answer as undici.request did.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { signStandardWebhook } from '@hookfleet/profiles';
import { DeliveryTransport, RESPONSE_BODY_LIMIT, Semaphore } from '@hookfleet/delivery';

describe('the standard signature through node:crypto', () => {
  it('equals the standardwebhooks library’s for any secret, id, time and body', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.string({ unit: 'binary', maxLength: 500 }),
        (key, messageId, millis, text) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          const body = JSON.stringify({ text });
          const at = new Date(millis);
          expect(signStandardWebhook(secret, messageId, at, body)).toBe(new Webhook(secret).sign(messageId, at, body));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('fails on a secret the library cannot decode, as the library does', () => {
    expect(() => signStandardWebhook('whsec_***', 'dlv_1', new Date(), '{}')).toThrow();
    expect(() => signStandardWebhook('whsec_', 'dlv_1', new Date(), '{}')).toThrow();
  });
});

describe('the semaphore', () => {
  it('lets waiters in first come, first served, however long the queue', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    const waiters = Array.from({ length: 5000 }, (_, index) =>
      semaphore.acquire().then(() => {
        order.push(index);
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([0, 1]);
    expect(semaphore.queued).toBe(4998);
    for (let released = 0; released < 4998; released += 1) semaphore.release();
    await Promise.all(waiters);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, index) => index));
    expect(semaphore.queued).toBe(0);
  });

  it('turns every waiter away at once, holding no slot, and still serves the ones that come after', async () => {
    const semaphore = new Semaphore(1);
    expect(await semaphore.acquire()).toBe(true);
    const waiters = Array.from({ length: 3 }, () => semaphore.acquire());
    expect(semaphore.queued).toBe(3);
    expect(semaphore.turnAwayWaiters()).toBe(3);
    expect(await Promise.all(waiters)).toEqual([false, false, false]);
    expect(semaphore.queued).toBe(0);
    expect(semaphore.inUse).toBe(1);
    const later = semaphore.acquire();
    semaphore.release();
    expect(await later).toBe(true);
    semaphore.release();
    expect(semaphore.inUse).toBe(0);
  });

  it('takes a free slot without waiting and counts slots in use', () => {
    const semaphore = new Semaphore(1);
    expect(semaphore.tryAcquire()).toBe(true);
    expect(semaphore.tryAcquire()).toBe(false);
    expect(semaphore.inUse).toBe(1);
    semaphore.release();
    expect(semaphore.inUse).toBe(0);
  });
});

describe('the delivery transport', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ url: request.url ?? '', headers: request.headers, body });
        if (request.url === '/hang') return;
        if (request.url === '/big') return void response.writeHead(200).end('a'.repeat(100_000));
        if (request.url === '/busy') return void response.writeHead(503, { 'retry-after': '7' }).end('busy');
        response.writeHead(201, { 'content-type': 'text/plain' }).end('thanks');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const transport = () => new DeliveryTransport({ timeoutMs: 300, concurrency: 4, allowPrivateTargets: true, userAgent: 'hookfleet/test' });

  it('POSTs the body with content type, user agent and the given headers, path and query kept', async () => {
    const client = transport();
    const result = await client.post(`${base}/hook?x=1`, '{"a":1}', { 'webhook-id': 'dlv_1' });
    await client.close();
    expect(result).toMatchObject({ kind: 'response', statusCode: 201, responseBody: 'thanks', error: null });
    expect(result.headers['content-type']).toBe('text/plain');
    expect(seen.at(-1)).toMatchObject({ url: '/hook?x=1', body: '{"a":1}', headers: { 'content-type': 'application/json', 'user-agent': 'hookfleet/test', 'webhook-id': 'dlv_1' } });
  });

  it('keeps the first 4 KB of a large answer, and the headers of a 503', async () => {
    const client = transport();
    const big = await client.post(`${base}/big`, '{}', {});
    const busy = await client.post(`${base}/busy`, '{}', {});
    await client.close();
    expect(big.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
    expect(busy).toMatchObject({ kind: 'response', statusCode: 503, responseBody: 'busy' });
    expect(busy.headers['retry-after']).toBe('7');
  });

  it('times out a hanging endpoint as "timed out", and reports a refused connection', async () => {
    const client = transport();
    const hanging = await client.post(`${base}/hang`, '{}', {});
    const refused = await client.post('http://127.0.0.1:1/hook', '{}', {});
    await client.close();
    expect(hanging).toMatchObject({ kind: 'timeout', statusCode: null, error: 'timed out' });
    expect(refused).toMatchObject({ kind: 'error', statusCode: null });
    expect(refused.error).toContain('connection refused');
  });

  it('turns deliveries waiting behind a hanging endpoint away as "stalled" long before its timeout, and calls it congested', async () => {
    const client = new DeliveryTransport({ timeoutMs: 2_500, concurrency: 4, perOriginConcurrency: 2, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
    const inFlight = [client.post(`${base}/hang`, '{}', {}), client.post(`${base}/hang`, '{}', {})];
    const started = performance.now();
    const waiting = await Promise.all(Array.from({ length: 5 }, () => client.post(`${base}/hang`, '{}', {})));
    const waitedMs = performance.now() - started;
    const congested = client.isCongested(`${base}/other`);
    // Once stalled, a new delivery is turned away without waiting at all.
    const late = await client.post(`${base}/hang`, '{}', {});
    const elsewhere = await client.post(`${base.replace('127.0.0.1', 'localhost')}/hook`, '{}', {});
    await client.close();
    await Promise.all(inFlight);
    expect(waiting.map((result) => result.kind)).toEqual(Array(5).fill('stalled'));
    expect(waitedMs).toBeLessThan(1_500);
    expect(congested).toBe(true);
    expect(late.kind).toBe('stalled');
    expect(elsewhere).toMatchObject({ kind: 'response', statusCode: 201 });
  });

  it('refuses a loopback literal unless private targets are allowed', async () => {
    const client = new DeliveryTransport({ timeoutMs: 300, concurrency: 4, allowPrivateTargets: false, userAgent: 'hookfleet/test' });
    const result = await client.post(`${base}/hook`, '{}', {});
    await client.close();
    expect(result).toMatchObject({ kind: 'error', error: 'target address 127.0.0.1 is not allowed' });
  });
});
