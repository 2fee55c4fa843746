import type net from 'node:net';
import { ResponseParser, type ResponseSink } from './http1-response.js';
import type { Listed } from './in-flight-list.js';

/**
 * What one exchange of the HTTP/1.1 pool (http1-pool.ts) is made of: the request's target, the handler told its
 * outcome, the connection it runs on, and the rule for sending a request once more when a kept-alive connection
 * closed unanswered.
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

/** What closes a connection for good and forgets it: the pool (http1-pool.ts). */
export interface ConnectionDiscarder {
  discard(connection: Connection): void;
}

export class Connection implements Listed {
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
export class Exchange implements Abortable {
  readonly parser: ResponseParser;
  /** Some bytes of the answer have come. */
  answering = false;

  constructor(
    private readonly pool: ConnectionDiscarder,
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

  /**
   * Its connection closed (or was reset): true when the request is to go once more, at once, on a fresh connection.
   * That is when the connection was reused and not a byte of the answer came: its server most likely closed it idle
   * as the request went out (Node's and uvicorn's servers do after 5 s). A fresh connection is never resent from, so
   * never twice. The server may have read the first one all the same: the resent request carries the same webhook-id,
   * and a rare double is within the at-least-once promise that receivers dedupe by it (docs/delivery.md, "The
   * request"). The attempt's deadline still bounds both: the exchange, and its abort, move to the fresh connection
   * (moveTo).
   */
  get resendable(): boolean {
    return this.connection.reused && !this.answering;
  }

  /** The exchange goes on on `fresh`, which a resend opened for it. */
  moveTo(fresh: Connection): void {
    this.connection = fresh;
    fresh.exchange = this;
  }
}
