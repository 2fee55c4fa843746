import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HOUR, standardProfile } from '@hookfleet/profiles';
import { HttpDestination } from './http-destination.js';
import { judge } from './judge.js';
import { DeliveryTransport } from './transport.js';

/**
 * A redirect is never followed, to a private address or anywhere else (docs/delivery.md, "The request"). Its attempt
 * was logged as a bare `HTTP 301`: the endpoint's operator could not tell from it that the URL had moved, nor where.
 */
describe('a redirect is not followed, and the attempt log says where it pointed', () => {
  let redirecting: Server;
  let target: Server;
  let redirectingPort = 0;
  let targetPort = 0;
  let reachedTarget = 0;
  let transport: DeliveryTransport;

  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };

  beforeAll(async () => {
    target = createServer((_request, response) => {
      reachedTarget += 1;
      response.writeHead(200).end('reached');
    });
    targetPort = await listen(target);
    redirecting = createServer((request, response) => {
      const [, status, where] = /^\/(\d+)\/(\w+)/.exec(request.url ?? '') ?? [];
      const locations: Record<string, string> = {
        metadata: 'http://169.254.169.254/latest/meta-data/',
        private: `http://127.0.0.1:${targetPort}/moved`,
        relative: '/v2/hook',
        control: 'https://example.com/\tx',
        long: `https://example.com/${'a'.repeat(400)}`,
      };
      request.resume();
      request.on('end', () => response.writeHead(Number(status), { location: locations[where ?? ''] ?? '' }).end());
    });
    redirectingPort = await listen(redirecting);
    // Private targets allowed: both servers are on 127.0.0.1, and the rule under test is the redirect.
    transport = new DeliveryTransport({ timeoutMs: 5_000, concurrency: 8, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
  });

  afterAll(async () => {
    await transport.close();
    redirecting.closeAllConnections();
    target.closeAllConnections();
    await Promise.all([redirecting, target].map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const destination = () => new HttpDestination(transport);
  const send = (path: string) => destination().send({ url: `http://127.0.0.1:${redirectingPort}${path}`, destination: undefined } as never, () => ({ body: '{}', headers: {} }));

  it.each([
    [301, 'metadata', 'http://169.254.169.254/latest/meta-data/'],
    [302, 'private', 'http://127.0.0.1:PORT/moved'],
    [307, 'relative', '/v2/hook'],
    [308, 'control', 'https://example.com/?x'],
  ])('%i to %s: failed, not followed, its Location in the error', async (status, where, shown) => {
    const outcome = await send(`/${status}/${where}`);
    const location = shown.replace('PORT', String(targetPort));
    expect(outcome).toMatchObject({ kind: 'answered', code: status });
    expect(outcome.error).toBe(`HTTP ${status}, a redirect to ${location}: redirects are not followed, so the subscription's URL must be the final one`);
    // What the attempt log records: the judgement's error, and a retry on the ladder.
    const judgement = judge({ profile: standardProfile, subscription: { delay_seconds: 0 }, attempt: 1, outcome, at: new Date(), eventReceivedAt: Date.now(), retryDelayScale: 1, retentionMs: 72 * HOUR });
    expect(judgement).toMatchObject({ label: 'failure', error: outcome.error, verdict: { kind: 'retry' } });
    expect(reachedTarget).toBe(0);
  });

  it('keeps a bounded start of a long Location', async () => {
    const outcome = await send('/301/long');
    expect(outcome.error).toContain(`a redirect to https://example.com/${'a'.repeat(300 - 'https://example.com/'.length)}…: redirects are not followed`);
  });

  it('says a plain HTTP status for a 3xx without a Location, and nothing for a success', async () => {
    expect((await send('/300/none')).error).toBeNull();
    expect((await send('/200/none')).error).toBeNull();
  });
});
