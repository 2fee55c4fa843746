import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Http1Pool, type PoolTarget } from './http1-pool.js';
import { guardedLookupFor, targetPolicy } from './ssrf-guard.js';

// A self-signed certificate for localhost and 127.0.0.1 (openssl req -x509, 100 years), for the HTTPS cases only.
const CERT = readFileSync(new URL('../test-fixtures/localhost-cert.pem', import.meta.url));
const KEY = readFileSync(new URL('../test-fixtures/localhost-key.pem', import.meta.url));

interface Outcome {
  status?: number;
  head?: string;
  body: string;
  error?: Error & { code?: string };
}

const lookup = guardedLookupFor(targetPolicy(true)) as unknown as net.LookupFunction;
const pools: Http1Pool[] = [];
const closers: Array<() => Promise<void>> = [];

function newPool(options: Partial<ConstructorParameters<typeof Http1Pool>[0]> = {}): Http1Pool {
  const pool = new Http1Pool({ lookup, idleTimeoutMs: 30_000, ...options });
  pools.push(pool);
  return pool;
}

function targetOf(url: string): PoolTarget {
  const parsed = new URL(url);
  return { origin: parsed.origin, url: parsed, path: `${parsed.pathname}${parsed.search}` };
}

/** One POST through the pool; `abortAfterMs` ends it from the handler's side as the transport's deadline does. */
function post(pool: Http1Pool, url: string, body = '{}', headers: Record<string, string> = {}, abortAfterMs?: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { body: '' };
    pool.dispatch(targetOf(url), body, headers, {
      onConnect: (exchange) => {
        if (abortAfterMs !== undefined)
          setTimeout(() => {
            exchange.abort();
            resolve({ ...outcome, error: Object.assign(new Error('aborted'), { code: 'ABORTED' }) });
          }, abortAfterMs);
      },
      onHead: (status, head) => Object.assign(outcome, { status, head }),
      onBody: (chunk) => {
        outcome.body += chunk.toString('utf8');
        return true;
      },
      onComplete: () => resolve(outcome),
      onError: (error) => resolve({ ...outcome, error }),
    });
  });
}

async function listen(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A TCP server that answers every request's first bytes with `reply` (and closes after it when `close`). */
async function rawServer(reply: string, close = false): Promise<{ port: number; sockets: () => number; requests: string[] }> {
  let sockets = 0;
  const requests: string[] = [];
  const server = net.createServer((socket) => {
    sockets += 1;
    socket.on('data', (data) => {
      requests.push(data.toString('latin1'));
      if (close) socket.end(reply);
      else socket.write(reply);
    });
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return { port, sockets: () => sockets, requests };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('Http1Pool: keep-alive HTTP/1.1 connections for deliveries', () => {
  it('sends one POST in one piece with Host and Content-Length, and reads status, headers and body', async () => {
    const server = await rawServer('HTTP/1.1 201 Created\r\nRetry-After: 5\r\nContent-Length: 2\r\n\r\nok');
    const outcome = await post(newPool(), `http://127.0.0.1:${server.port}/hook?a=1`, '{"é":1}', { 'content-type': 'application/json', 'webhook-id': 'msg_1' });
    expect(outcome).toMatchObject({ status: 201, head: 'Retry-After: 5\r\nContent-Length: 2', body: 'ok' });
    expect(server.requests).toEqual([
      `POST /hook?a=1 HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\ncontent-length: 8\r\ncontent-type: application/json\r\nwebhook-id: msg_1\r\n\r\n${Buffer.from('{"é":1}').toString('latin1')}`,
    ]);
  });

  it('keeps the connection for the next request, and drops it when the server asks to close', async () => {
    const keep = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const pool = newPool();
    for (let index = 0; index < 5; index += 1) expect((await post(pool, `http://127.0.0.1:${keep.port}/`)).status).toBe(200);
    expect(keep.sockets()).toBe(1);
    expect(pool.connections).toBe(1);

    const closing = await rawServer('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', true);
    for (let index = 0; index < 3; index += 1) expect((await post(pool, `http://127.0.0.1:${closing.port}/`)).status).toBe(200);
    expect(closing.sockets()).toBe(3);
  });

  it('opens as many connections as requests run at once, and keeps them all for later', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => setTimeout(() => response.end('done'), 20));
    });
    let sockets = 0;
    server.on('connection', () => (sockets += 1));
    const port = await listen(server);
    const pool = newPool();
    const first = await Promise.all(Array.from({ length: 8 }, () => post(pool, `http://127.0.0.1:${port}/`)));
    expect(first.map((outcome) => outcome.body)).toEqual(Array(8).fill('done'));
    await Promise.all(Array.from({ length: 8 }, () => post(pool, `http://127.0.0.1:${port}/`)));
    expect(sockets).toBe(8);
    expect(pool.connections).toBe(8);
  });

  it('closes an idle connection before the server’s own keep-alive timeout', async () => {
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end());
    });
    server.keepAliveTimeout = 1500; // Node sends Keep-Alive: timeout=1; the pool keeps it 1 s less: not at all
    const port = await listen(server);
    const pool = newPool();
    expect((await post(pool, `http://127.0.0.1:${port}/`)).status).toBe(200);
    expect(pool.connections).toBe(0);

    server.keepAliveTimeout = 2500; // timeout=2: kept for about a second
    expect((await post(pool, `http://127.0.0.1:${port}/`)).status).toBe(200);
    expect(pool.connections).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(pool.connections).toBe(0);
    // The sweep forgot the origin it left without connections: its next request opens one and keeps it again.
    expect((await post(pool, `http://127.0.0.1:${port}/`)).status).toBe(200);
    expect(pool.connections).toBe(1);
  });

  it('reads answers that arrive in pieces on many connections at once, each whole and its own', async () => {
    // Every plain connection reads into the pool's one buffer: a head, chunk line or body kept from one read must
    // survive the other connections' reads that land in the same bytes before its next piece comes.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const server = net.createServer((socket) => {
      socket.on('data', async (data) => {
        const name = /x-name: (\S+)/.exec(data.toString('latin1'))?.[1] ?? 'none';
        const body = `answer for ${name} `.repeat(20);
        socket.write('HTTP/1.1 200 OK\r\nTransfer-');
        await pause();
        socket.write(`Encoding: chunked\r\nX-Name: ${name}\r\n\r\n${body.length.toString(16)}`);
        await pause();
        socket.write(`\r\n${body.slice(0, 100)}`);
        await pause();
        socket.write(`${body.slice(100)}\r\n0\r\n\r\n`);
      });
      socket.on('error', () => undefined);
    });
    const port = await listen(server);
    const pool = newPool();
    const names = Array.from({ length: 24 }, (_, index) => `n${index}`);
    const outcomes = await Promise.all(names.map((name) => post(pool, `http://127.0.0.1:${port}/`, '{}', { 'x-name': name })));
    expect(outcomes.map((outcome) => [outcome.status, outcome.head, outcome.body])).toEqual(
      names.map((name) => [200, `Transfer-Encoding: chunked\r\nX-Name: ${name}`, `answer for ${name} `.repeat(20)]),
    );
    expect(pool.connections).toBe(24);
  });

  it('reads chunked bodies and bodies that end with the connection', async () => {
    const chunked = await rawServer('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n');
    const pool = newPool();
    expect(await post(pool, `http://127.0.0.1:${chunked.port}/`)).toMatchObject({ status: 200, body: 'Wikipedia' });
    const untilClose = await rawServer('HTTP/1.1 200 OK\r\n\r\nall of it', true);
    expect(await post(pool, `http://127.0.0.1:${untilClose.port}/`)).toMatchObject({ status: 200, body: 'all of it' });
    expect(pool.connections).toBe(1);
  });

  it('fails an exchange the server closes without an answer, cuts short, or answers with something that is not HTTP', async () => {
    const pool = newPool();
    const silent = await rawServer('', true);
    expect((await post(pool, `http://127.0.0.1:${silent.port}/`)).error?.code).toBe('ERR_CONNECTION_CLOSED');
    const cut = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', true);
    expect((await post(pool, `http://127.0.0.1:${cut.port}/`)).error?.code).toBe('ERR_ANSWER_CUT_SHORT');
    const garbage = await rawServer('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    expect((await post(pool, `http://127.0.0.1:${garbage.port}/`)).error?.code).toBe('ERR_HTTP_RESPONSE_INVALID');
    expect(pool.connections).toBe(0);
  });

  it('refuses a header that would split the request, and sends nothing', async () => {
    const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const pool = newPool();
    const outcome = await post(pool, `http://127.0.0.1:${server.port}/`, '{}', { 'x-evil': 'a\r\nInjected: 1' });
    expect(outcome.error?.code).toBe('ERR_INVALID_REQUEST_HEADER');
    expect((await post(pool, `http://127.0.0.1:${server.port}/`, '{}', { 'bad name': 'x' })).error?.code).toBe('ERR_INVALID_REQUEST_HEADER');
    expect(server.requests).toEqual([]);
  });

  it('aborting an exchange closes its connection at once', async () => {
    let closed = false;
    const server = net.createServer((socket) => {
      socket.resume();
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
    });
    const port = await listen(server);
    const pool = newPool();
    expect((await post(pool, `http://127.0.0.1:${port}/`, '{}', {}, 50)).error?.code).toBe('ABORTED');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
    expect(pool.connections).toBe(0);
  });

  it('speaks HTTPS: a certificate it cannot verify fails with the TLS code, a trusted one answers', async () => {
    const server = https.createServer({ cert: CERT, key: KEY }, (request, response) => {
      request.resume();
      request.on('end', () => response.end(`tls ${request.headers.host}`));
    });
    const port = await listen(server);
    const untrusted = await post(newPool(), `https://localhost:${port}/`);
    expect(untrusted.error?.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const trusting = newPool({ ca: CERT });
    expect(await post(trusting, `https://localhost:${port}/`)).toMatchObject({ status: 200, body: `tls localhost:${port}` });
    expect(await post(trusting, `https://127.0.0.1:${port}/`)).toMatchObject({ status: 200, body: `tls 127.0.0.1:${port}` });
  });

  it('resolves names through the SSRF guard at connect time', async () => {
    const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const guarded = newPool({ lookup: guardedLookupFor(targetPolicy(false)) as unknown as net.LookupFunction });
    const outcome = await post(guarded, `http://localhost:${server.port}/`);
    expect(outcome.error?.message).toMatch(/forbidden address/);
    expect(server.requests).toEqual([]);
  });
});
