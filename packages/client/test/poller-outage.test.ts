import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '../../../test/wait.js';
import { createClient, HookfleetApiError, type PollMessage } from '../src/index.js';

type Answer = { status: number; headers?: Record<string, string>; body: unknown };

/** An API on 127.0.0.1 that gives each fetch of messages the next of `answers` (the last one from then on). */
async function scriptedApi(answers: Answer[]): Promise<{ url: string; fetches: () => number; cursors: string[]; server: Server }> {
  let fetches = 0;
  const cursors: string[] = [];
  const server = createServer((request, response) => {
    const answer = answers[Math.min(fetches, answers.length - 1)] as Answer;
    fetches += 1;
    cursors.push(new URL(request.url ?? '/', 'http://api').searchParams.get('after') ?? '');
    request.resume();
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, fetches: () => fetches, cursors, server };
}

const busy: Answer = { status: 503, headers: { 'retry-after': '1' }, body: { error: 'unavailable', code: 'unavailable' } };
const message: PollMessage = { id: 'dlv_1', event_id: 'evt_1', type: 'a.b', timestamp: '2030-01-01T00:00:00.000Z', body: '{}', headers: {} };

describe('the SDK poller while the API is away', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('waits out a 503 that outlasts the client’s retries, honouring Retry-After, and goes on from the same cursor', async () => {
    const api = await scriptedApi([busy, busy, busy, { status: 200, body: { data: [message], next: 'cDI6' } }]);
    server = api.server;
    // No retries of the client's own: every 503 reaches the poller.
    const client = createClient({ url: api.url, token: 'key', retry: { limit: 0 } });
    const startedAt = Date.now();
    const yielded: PollMessage[] = [];
    for await (const received of client.subscriptions.poller('sub_1', { after: 'cDE6', waitSeconds: 0 })) {
      yielded.push(received);
      break;
    }
    expect(yielded).toEqual([message]);
    expect(api.cursors).toEqual(['cDE6', 'cDE6', 'cDE6', 'cDE6']);
    // Three Retry-After: 1 waits, not three fetches in a row.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_900);
  });

  it('ends quietly when aborted while it waits for the API', async () => {
    const api = await scriptedApi([{ ...busy, headers: { 'retry-after': '60' } }]);
    server = api.server;
    const client = createClient({ url: api.url, token: 'key', retry: { limit: 0 } });
    const stop = new AbortController();
    let ended = false;
    const loop = (async () => {
      for await (const received of client.subscriptions.poller('sub_1', { waitSeconds: 0, signal: stop.signal })) void received;
      ended = true;
    })();
    await waitFor(() => api.fetches() === 1);
    stop.abort();
    await waitFor(() => ended, { timeoutMs: 2_000, message: 'the loop to end at the abort, not after the 60 s Retry-After' });
    await loop;
  });

  it('ends with the error an answer that asking again cannot change', async () => {
    const api = await scriptedApi([{ status: 404, body: { error: 'subscription sub_1 not found', code: 'not_found' } }]);
    server = api.server;
    const client = createClient({ url: api.url, token: 'key', retry: { limit: 0 } });
    const loop = (async () => {
      for await (const received of client.subscriptions.poller('sub_1', { waitSeconds: 0 })) void received;
    })();
    await expect(loop).rejects.toBeInstanceOf(HookfleetApiError);
    expect(api.fetches()).toBe(1);
  });
});
