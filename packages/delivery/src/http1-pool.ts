import net, { isIP, type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { ResponseParser, type ResponseSink } from './http1-response.js';
import { InFlightList, type Listed } from './in-flight-list.js';
import type { LookupAsker } from './name-lookups.js';

/**
 * Keep-alive HTTP/1.1 connections per origin, one request at a time on each, for the delivery transport
 * (docs/performance.md, "Why the transport speaks HTTP/1.1 itself"). A delivery is one POST of a known body whose
 * answer is read for its status, headers and the first bytes of its body; the transport already bounds the requests in
 * flight per origin, queues what waits and times each request out (transport.ts), so the pool only connects, writes
 * the request in one piece, parses the answer (http1-response.ts) and keeps the connection for the next request.
 */

/**
 * How one exchange's outcome is told, in order: onConnect first, then the answer's parts (ResponseSink: onHead,
 * onBody…; a false from onBody closes the connection), then onComplete, or onError.
 */
export interface ExchangeHandler extends ResponseSink {
  /** Given the exchange, whose abort() ends it at once (its connection closed, nothing more told). */
  onConnect(exchange: Abortable): void;
  onComplete(): void;
  onError(error: Error): void;
}

export interface Abortable {
  abort(): void;
  /** How far the exchange got: said when it is cut at its deadline (failure-message.ts). */
  readonly progress: ExchangeProgress;
}

/** `connecting`: no TCP (and TLS) connection yet; `sent`: connected, nothing answered; `answering`: bytes of the answer came. */
export type ExchangeProgress = 'connecting' | 'sent' | 'answering';

/** Where a request goes; parsed once per URL by the transport. */
export interface PoolTarget {
  /** `protocol//host:port`: the key connections are kept under. */
  origin: string;
  url: URL;
  /** Path and query, as the request line sends them. */
  path: string;
}

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

/** The connection closed before any answer (ERR_CONNECTION_CLOSED) or in the middle of one (ERR_ANSWER_CUT_SHORT). */
export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed';
  constructor(
    message: string,
    readonly code: 'ERR_CONNECTION_CLOSED' | 'ERR_ANSWER_CUT_SHORT' = 'ERR_CONNECTION_CLOSED',
  ) {
    super(message);
  }
}

/** A header the request would carry that HTTP forbids (a name that is not a token, a value with CR, LF or NUL). */
export class InvalidRequestHeader extends Error {
  override name = 'InvalidRequestHeader';
  readonly code = 'ERR_INVALID_REQUEST_HEADER';
}

/** A server's keep-alive hint is cut by this much, so that a request is never written as the server closes. */
const KEEP_ALIVE_MARGIN_MS = 1000;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
/** Header names already checked: a worker sends the same few names on every request. */
const validNames = new Set<string>();
const MAX_VALID_NAMES = 1000;

class Connection implements Listed {
  /** Set once, right after the Connection: its lookup needs the Connection before the socket exists. */
  socket!: net.Socket;
  /** The exchange on this connection now; null while idle. */
  exchange: Exchange | null = null;
  /** Its place in the origin's idle list, -1 while busy or gone (the list writes it). */
  listIndex = -1;
  /** When it went idle (performance.now()). */
  idleSince = 0;
  /** How long it may stay idle. */
  keepAliveMs = 0;
  gone = false;
  /** The TCP connection (and its TLS session, for https) is up. */
  established = false;
  /**
   * It carried a whole exchange and waited idle since: a close before any byte of the next answer is most likely its
   * server's idle timeout crossing the request on the wire, not an answer to it.
   */
  reused = false;

  constructor(readonly origin: string) {}
}

/** One request and its answer on one connection (a second one when a reused connection closed unanswered: resend). */
class Exchange implements Abortable {
  readonly parser: ResponseParser;
  /** Some bytes of the answer have come. */
  answering = false;

  constructor(
    private readonly pool: Http1Pool,
    public connection: Connection,
    readonly handler: ExchangeHandler,
    readonly target: PoolTarget,
    /** The request as written, kept to be written once more on a fresh connection. */
    readonly request: string,
  ) {
    // The handler reads the parts of the answer itself: no adapter object per exchange.
    this.parser = new ResponseParser(handler);
  }

  get progress(): ExchangeProgress {
    if (this.answering) return 'answering';
    return this.connection.established ? 'sent' : 'connecting';
  }

  abort(): void {
    if (this.connection.exchange !== this) return;
    this.connection.exchange = null;
    this.pool.discard(this.connection);
  }
}

/** The most one read takes from a connection: an answer's head and the first bytes of its body fit many times over. */
const READ_BUFFER_BYTES = 64 * 1024;

/** How often idle connections are checked against their keep-alive time (a timer per pool, not one per connection). */
const IDLE_SWEEP_MS = 250;

export class Http1Pool {
  /** Idle connections per origin, the most recently used last (taken first: its socket is warmest). */
  private readonly idle = new Map<string, InFlightList<Connection>>();
  private readonly open = new Set<Connection>();
  private closing = false;
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
    const connection = this.takeIdle(target.origin) ?? this.connect(target);
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

  /**
   * The origin's list stays when it empties (the sweep drops it): under load a connection goes idle and is taken
   * again at every request, and deleting the origin's entry and adding a new list each time churned the map's table.
   */
  private takeIdle(origin: string): Connection | undefined {
    const list = this.idle.get(origin);
    if (!list) return undefined;
    const now = performance.now();
    // The sweep runs only every IDLE_SWEEP_MS: a connection idle past its keep-alive time meanwhile is closed, not written to.
    for (let connection = list.pop(); connection; connection = list.pop()) {
      if (now - connection.idleSince < connection.keepAliveMs) return connection;
      this.discard(connection);
    }
    return undefined;
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
    if (parser.reusable && !this.closing && !connection.gone) {
      const hint = parser.keepAliveTimeoutMs;
      connection.keepAliveMs = hint === undefined ? this.options.idleTimeoutMs : Math.min(this.options.idleTimeoutMs, hint - KEEP_ALIVE_MARGIN_MS);
      if (connection.keepAliveMs > 0) {
        let list = this.idle.get(connection.origin);
        if (!list) this.idle.set(connection.origin, (list = new InFlightList()));
        connection.idleSince = performance.now();
        connection.reused = true;
        list.add(connection);
        this.sweeper ??= setInterval(() => this.sweepIdle(), IDLE_SWEEP_MS).unref();
      } else this.discard(connection);
    } else this.discard(connection);
    exchange.handler.onComplete();
  }

  private fail(connection: Connection, error: Error): void {
    const exchange = connection.exchange;
    connection.exchange = null;
    this.discard(connection);
    if (!exchange) return;
    if (connection.reused && !exchange.answering && !this.closing) this.resend(exchange);
    else exchange.handler.onError(error);
  }

  /**
   * A reused connection closed (or was reset) before any byte of the answer: its server most likely closed it idle as
   * the request went out (Node's and uvicorn's servers do after 5 s), so the request goes once more, at once, on a
   * fresh connection; a fresh connection is never resent from, so never twice. The server may have read the first one
   * all the same: the resent request carries the same webhook-id, and a rare double is within the at-least-once
   * promise that receivers dedupe by it (docs/delivery.md, "The request"). The attempt's deadline still bounds both:
   * the exchange, and its abort, move to the fresh connection.
   */
  private resend(exchange: Exchange): void {
    const fresh = this.connect(exchange.target);
    exchange.connection = fresh;
    fresh.exchange = exchange;
    fresh.socket.write(exchange.request);
  }

  /** Closes the connections idle past their keep-alive time and forgets the origins left with none; stops checking once none is idle. */
  private sweepIdle(): void {
    const now = performance.now();
    for (const [origin, list] of [...this.idle]) {
      list.forEachFromEnd((connection) => {
        if (now - connection.idleSince >= connection.keepAliveMs) this.discard(connection);
      });
      if (list.size === 0) this.idle.delete(origin);
    }
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
    const list = this.idle.get(connection.origin);
    if (list?.remove(connection) && list.size === 0) this.idle.delete(connection.origin);
    connection.socket.destroy();
  }
}

/** The request line, Host, Content-Length, the caller's headers and the body, as one string written in one piece. */
function requestText(target: PoolTarget, body: string, headers: Record<string, string>): string {
  let text = `POST ${target.path} HTTP/1.1\r\nhost: ${target.url.host}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
  for (const name in headers) {
    const value = headers[name] as string;
    if (!validNames.has(name)) {
      if (!HEADER_NAME.test(name)) throw new InvalidRequestHeader(`invalid request header name ${JSON.stringify(name)}`);
      if (validNames.size >= MAX_VALID_NAMES) validNames.clear();
      validNames.add(name);
    }
    if (FORBIDDEN_IN_VALUE.test(value)) throw new InvalidRequestHeader(`request header ${name} has a line break or NUL in its value`);
    text += `${name}: ${value}\r\n`;
  }
  return `${text}\r\n${body}`;
}
