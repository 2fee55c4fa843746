import net, { type LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeFailure } from './failure-message.js';
import { Http1Pool } from './http1-pool.js';
import { ResponseCollector, type Collected } from './response-collector.js';
import { DeliveryTransport } from './transport.js';

const TIMEOUT_MS = 1_000;

/**
 * A request cut at its deadline says how far it got. All four ended as plain "timed out" before: an endpoint behind a
 * firewall that drops the packets, one that never answers, and one that trickles its head or body need different
 * fixes from its operator.
 */
describe('a timed-out attempt says how far it got', () => {
  let server: net.Server;
  let port = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let transport: DeliveryTransport;

  /** Writes `text` one byte every 50 ms, for longer than the timeout. */
  function trickle(socket: net.Socket, text: string): void {
    let at = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || at >= text.length) return;
      socket.write(text[at] ?? '');
      at += 1;
    }, 50);
    timers.add(timer);
  }

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (request) => {
        const path = /^POST (\S+)/.exec(request.toString('latin1'))?.[1];
        if (path === '/head') trickle(socket, `HTTP/1.1 200 OK\r\nX-Padding: ${'x'.repeat(100)}\r\n\r\n`);
        if (path === '/body') {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
          trickle(socket, 'y'.repeat(1000));
        }
        // `/hang`: nothing.
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    transport = new DeliveryTransport({ timeoutMs: TIMEOUT_MS, concurrency: 8, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
  });

  afterAll(async () => {
    await transport.close();
    for (const timer of timers) clearInterval(timer);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['/hang', /^timed out$/],
    ['/head', /^timed out: http:\/\/127\.0\.0\.1:\d+ began to answer, and its status line and headers did not end$/],
    ['/body', /^timed out: http:\/\/127\.0\.0\.1:\d+ answered HTTP 200, and its body did not end$/],
  ])('%s', async (path, message) => {
    const result = await transport.post(`http://127.0.0.1:${port}${path}`, '{}', {});
    expect(result).toMatchObject({ kind: 'timeout', statusCode: null, error: expect.stringMatching(message) });
  });

  it('a connection never set up (here: a name that never resolves)', async () => {
    const neverResolves = (() => undefined) as unknown as LookupFunction;
    const pool = new Http1Pool({ lookup: neverResolves, idleTimeoutMs: 30_000 });
    const url = new URL('https://hooks.example.com/hook');
    let outcome: Collected | null = null;
    const collector = new ResponseCollector(0, 4096, (_, collected) => {
      outcome = collected;
    });
    pool.dispatch({ origin: url.origin, url, path: url.pathname }, '{}', {}, collector);
    collector.expire();
    await pool.close();
    const collected = outcome as Collected | null;
    expect(collected?.ok).toBe(false);
    if (collected?.ok !== false) return;
    expect(describeFailure(collected.error, url.origin)).toBe(
      'timed out connecting to https://hooks.example.com: no connection was set up (its name did not resolve in time, the host is down or a firewall drops the packets, or its TLS handshake stalled)',
    );
  });
});
