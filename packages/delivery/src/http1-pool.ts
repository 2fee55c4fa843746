import net, { isIP, type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { Connection, ConnectionClosed, Exchange, type ExchangeHandler, type PoolTarget } from './http1-exchange.js';
import { requestText } from './http1-request.js';
import { forgetIdle, IDLE_SWEEP_MS, keepIdle, sweepIdle, takeIdle, type IdleConnections } from './idle-connections.js';
import type { LookupAsker } from './name-lookups.js';

export { ConnectionClosed, type Abortable, type ExchangeHandler, type ExchangeProgress, type PoolTarget } from './http1-exchange.js';
export { InvalidRequestHeader } from './http1-request.js';

/**
 * Keep-alive HTTP/1.1 connections per origin, one request at a time on each, for the delivery transport
 * (docs/performance.md, "Why the transport speaks HTTP/1.1 itself"). A delivery is one POST of a known body whose
 * answer is read for its status, headers and the first bytes of its body; the transport already bounds the requests in
 * flight per origin, queues what waits and times each request out (transport.ts), so the pool only connects, writes
 * the request in one piece (http1-request.ts), parses the answer (http1-response.ts) and keeps the connection for the
 * next request (idle-connections.ts). An exchange, and when it is sent again, is in http1-exchange.ts.
 */

/**
 * net's lookup, told also whose connection asks (name-lookups.ts: a lookup queued for a connection that is gone is not
 * started).
 */
export type PoolLookup = (...args: [...Parameters<LookupFunction>, asker: LookupAsker]) => void;

export interface PoolOptions {
  /** Resolves names at connect time (the SSRF guard, ssrf-guard.ts). */
  lookup: PoolLookup;
  /** How long an idle connection is kept when the server says nothing of its own limit. */
  idleTimeoutMs: number;
  /** Extra trusted certificates (tests with their own authority); the system's otherwise. */
  ca?: string | Buffer;
}

/** The most one read takes from a connection: an answer's head and the first bytes of its body fit many times over. */
const READ_BUFFER_BYTES = 64 * 1024;

export class Http1Pool {
  /** Idle connections per origin (idle-connections.ts). */
  private readonly idle: IdleConnections = new Map();
  private readonly open = new Set<Connection>();
  private closing = false;
  /** Checks the idle connections every IDLE_SWEEP_MS while there are any. */
  private sweeper: NodeJS.Timeout | null = null;
  /**
   * Where every plain connection's reads land (net.connect's `onread`): a read is parsed before the next one can
   * happen, so one buffer serves them all, and the parser and the collector copy what they keep of it.
   */
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

  constructor(private readonly options: PoolOptions) {}

  /** Sends `POST target.path` with `body` and `headers` (which the caller makes complete but for Host and Content-Length). */
  dispatch(target: PoolTarget, body: string, headers: Record<string, string>, handler: ExchangeHandler): void {
    let request: string;
    try {
      request = requestText(target, body, headers);
    } catch (error) {
      handler.onError(error as Error);
      return;
    }
    if (this.closing) {
      handler.onError(new ConnectionClosed('the transport is closing'));
      return;
    }
    const connection = takeIdle(this.idle, target.origin, this) ?? this.connect(target);
    const exchange = new Exchange(this, connection, handler, target, request);
    connection.exchange = exchange;
    handler.onConnect(exchange);
    if (connection.exchange === exchange) connection.socket.write(request);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const connection of [...this.open]) {
      const exchange = connection.exchange;
      connection.exchange = null;
      this.discard(connection);
      exchange?.handler.onError(new ConnectionClosed('the transport closed'));
    }
  }

  /** Open connections, busy and idle (for tests and gauges). */
  get connections(): number {
    return this.open.size;
  }

  private connect(target: PoolTarget): Connection {
    const { url } = target;
    const connection = new Connection(target.origin);
    // A lookup still queued when its connection is gone is never started (name-lookups.ts).
    const lookup: LookupFunction = (hostname, options, callback) => this.options.lookup(hostname, options, callback, connection);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const secure = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : secure ? 443 : 80;
    const socket: net.Socket = secure
      ? tls.connect({
          host,
          port,
          lookup,
          ALPNProtocols: ['http/1.1'],
          ...(isIP(host) ? {} : { servername: host }),
          ...(this.options.ca ? { ca: this.options.ca } : {}),
        })
      : net.connect({
          host,
          port,
          lookup,
          // Read into the pool's one buffer, handed straight to the parser: no Buffer allocated and no stream event a read.
          onread: { buffer: this.readBuffer, callback: (bytes: number): boolean => this.onRead(connection, bytes) },
        });
    socket.setNoDelay(true);
    connection.socket = socket;
    this.open.add(connection);
    if (secure) socket.on('data', (chunk: Buffer) => this.onData(connection, chunk));
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      connection.established = true;
    });
    socket.on('end', () => this.onEnd(connection));
    socket.on('error', (error) => this.fail(connection, error));
    socket.on('close', () => this.fail(connection, new ConnectionClosed('the endpoint closed the connection without an answer')));
    return connection;
  }

  /** A plain connection's read, in the pool's read buffer. True: keep reading. */
  private onRead(connection: Connection, bytes: number): boolean {
    this.onData(connection, this.readBuffer.subarray(0, bytes));
    return true;
  }

  private onData(connection: Connection, chunk: Buffer): void {
    const exchange = connection.exchange;
    if (!exchange) {
      // Bytes nobody asked for: the connection's framing is lost.
      this.discard(connection);
      return;
    }
    try {
      exchange.answering = true;
      exchange.parser.feed(chunk);
    } catch (error) {
      this.fail(connection, error as Error);
      return;
    }
    if (exchange.parser.finished) this.finish(connection, exchange);
  }

  private onEnd(connection: Connection): void {
    const exchange = connection.exchange;
    if (exchange?.parser.closed()) this.finish(connection, exchange);
    else if (exchange?.parser.answered) this.fail(connection, new ConnectionClosed('the endpoint closed the connection mid-answer', 'ERR_ANSWER_CUT_SHORT'));
    else this.fail(connection, new ConnectionClosed('the endpoint closed the connection without an answer'));
  }

  /** The exchange is over: the connection goes back to its origin's idle list when it can carry another. */
  private finish(connection: Connection, exchange: Exchange): void {
    connection.exchange = null;
    const { parser } = exchange;
    if (parser.reusable && !this.closing && !connection.gone && keepIdle(this.idle, connection, parser.keepAliveTimeoutMs, this.options.idleTimeoutMs)) {
      this.sweeper ??= setInterval(() => this.sweep(), IDLE_SWEEP_MS).unref();
    } else this.discard(connection);
    exchange.handler.onComplete();
  }

  private fail(connection: Connection, error: Error): void {
    const exchange = connection.exchange;
    connection.exchange = null;
    this.discard(connection);
    if (!exchange) return;
    if (exchange.resendable && !this.closing) this.resend(exchange);
    else exchange.handler.onError(error);
  }

  /** Sends the request once more on a fresh connection (when, and why only once: Exchange.resendable, http1-exchange.ts). */
  private resend(exchange: Exchange): void {
    const fresh = this.connect(exchange.target);
    exchange.moveTo(fresh);
    fresh.socket.write(exchange.request);
  }

  /** The idle connections' check; it stops once none is idle. */
  private sweep(): void {
    sweepIdle(this.idle, this);
    if (this.idle.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  /** Closes a connection for good and forgets it (from its idle list too). */
  discard(connection: Connection): void {
    if (connection.gone) return;
    connection.gone = true;
    this.open.delete(connection);
    forgetIdle(this.idle, connection);
    connection.socket.destroy();
  }
}
