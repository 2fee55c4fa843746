import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Http1Pool, type PoolLookup } from './http1-pool.js';
import { guardedLookupFor, targetPolicy } from './ssrf-guard.js';
import { DeliveryTransport } from './transport.js';

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** What the server does with a request: answer 200, close unanswered (FIN or RST, as a server's idle timeout does), or never answer. */
type Reaction = 'answer' | 'close' | 'reset' | 'hang';

/**
 * A keep-alive HTTP/1.1 server on 127.0.0.1 scripted per request: `react(connection, request)` counts both from 1, so
 * "the second request on a connection" is the one a real server's idle close would have crossed on the wire.
 */
async function scriptedServer(react: (connection: number, request: number) => Reaction) {
  const sockets = new Set<net.Socket>();
  const seen: Array<[number, number]> = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = (connections += 1);
    let requests = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', () => {
      requests += 1;
      seen.push([connection, requests]);
      const reaction = react(connection, requests);
      if (reaction === 'answer') socket.write(OK);
      else if (reaction === 'close') socket.end();
      else if (reaction === 'reset') socket.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Server = Awaited<ReturnType<typeof scriptedServer>>;

describe('a kept connection its server closes as the next request goes out', () => {
  const servers: Server[] = [];
  const transport = new DeliveryTransport({ timeoutMs: 1_000, concurrency: 4, allowPrivateTargets: true, userAgent: 'hookfleet/test' });

  async function serve(react: (connection: number, request: number) => Reaction): Promise<Server> {
    const server = await scriptedServer(react);
    servers.push(server);
    return server;
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(async () => {
    await transport.close();
  });

  it.each(['close', 'reset'] as const)('is sent once more at once on a fresh connection (the kept one %ss unanswered)', async (reaction) => {
    // Every connection answers its first request and drops its second unanswered: a server closing idle connections.
    const server = await serve((_connection, request) => (request === 1 ? 'answer' : reaction));
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200, error: null });
    expect(server.seen).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('is not sent again when a fresh connection closes unanswered', async () => {
    const server = await serve(() => 'close');
    const result = await transport.post(server.url, '{}', {});
    expect(result).toMatchObject({ kind: 'error', statusCode: null });
    expect(server.seen).toEqual([[1, 1]]);
  });

  it('is sent again only once, when the fresh connection closes unanswered too', async () => {
    const server = await serve((connection, request) => (connection === 1 && request === 1 ? 'answer' : 'close'));
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'error', statusCode: null });
    expect(server.seen).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('is still cut at the attempt timeout when the fresh connection never answers', async () => {
    const server = await serve((connection, request) => (connection === 1 && request === 1 ? 'answer' : connection === 1 ? 'close' : 'hang'));
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(await transport.post(server.url, '{}', {})).toMatchObject({ kind: 'timeout', statusCode: null, error: 'timed out' });
    expect(server.seen).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });
});

describe('a kept connection past its keep-alive time', () => {
  it('is closed instead of written to, even before the idle sweep has run', async () => {
    const server = await scriptedServer(() => 'answer');
    const lookup = guardedLookupFor(targetPolicy(true)) as unknown as PoolLookup;
    // 40 ms of keep-alive against a sweep every 250 ms: the second request comes between the two.
    const pool = new Http1Pool({ lookup, idleTimeoutMs: 40 });
    const url = new URL(server.url);
    const target = { origin: url.origin, url, path: url.pathname };
    const post = () =>
      new Promise<number>((resolve, reject) => {
        let status = 0;
        pool.dispatch(target, '{}', {}, {
          onConnect: () => undefined,
          onHead: (statusCode) => (status = statusCode),
          onBody: () => true,
          onComplete: () => resolve(status),
          onError: reject,
        });
      });
    try {
      expect(await post()).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await post()).toBe(200);
      expect(server.connections()).toBe(2);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
