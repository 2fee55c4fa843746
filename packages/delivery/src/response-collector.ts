import type { Watched } from './deadline-watch.js';
import type { Abortable, ExchangeHandler, ExchangeProgress } from './http1-pool.js';

/** How one dispatched request ended: a response (its header block, the body cut at the limit), or the error that ended it. */
export type Collected = { ok: true; statusCode: number; head: string; body: string } | { ok: false; error: unknown };

/**
 * The error a request gets when its whole-request deadline passes (classified as a timeout), with how far it got:
 * an endpoint a firewall hides, one that never answers and one that trickles its answer need different fixes.
 */
export class DeliveryTimeout extends Error {
  override name = 'TimeoutError';
  constructor(
    /** How far the exchange got; absent when it was never dispatched. */
    readonly progress?: ExchangeProgress,
    /** The answer's status, when its whole head had come. */
    readonly statusCode?: number,
  ) {
    super('timed out');
  }
}

/**
 * A connection that was set up and then failed (reset, closed) before the answer was whole, with how far the answer
 * got: it is no failure to connect, and the status that had already come belongs in the attempt log.
 */
export class ConnectionLost extends Error {
  override name = 'ConnectionLost';
  constructor(
    override readonly cause: Error,
    /** `sent`: connected, no byte of the answer yet; `answering`: part of it came. */
    readonly progress: 'sent' | 'answering',
    /** The answer's status, when its whole head had come. */
    readonly statusCode?: number,
  ) {
    super(cause.message);
  }

  /** The cause's code (ECONNRESET, ERR_CONNECTION_CLOSED …), for whoever reads codes. */
  get code(): unknown {
    return (this.cause as { code?: unknown }).code;
  }
}

/**
 * Receives one response from the transport's connection pool (http1-pool.ts): status, header block and the first
 * `limit` bytes of the body, with no stream or promise per request; headers are parsed only when read (send-result.ts).
 */
export class ResponseCollector implements ExchangeHandler, Watched {
  settled = false;
  /** Its place in the transport's DeadlineWatch while in flight (in-flight-list.ts). */
  listIndex = -1;
  private exchange: Abortable | null = null;
  private aborted = false;
  private statusCode = 0;
  private head = '';
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    /** performance.now() after which the request is abandoned. */
    readonly deadline: number,
    private readonly limit: number,
    private readonly onSettled: (collector: ResponseCollector, outcome: Collected) => void,
  ) {}

  onConnect(exchange: Abortable): void {
    this.exchange = exchange;
    if (this.aborted) exchange.abort();
  }

  onHead(statusCode: number, head: string): void {
    this.statusCode = statusCode;
    this.head = head;
  }

  onBody(chunk: Buffer): boolean {
    if (this.settled) return false;
    // The chunk is lent for this call only (the pool reads into one buffer): keep a copy of the part under the limit.
    this.chunks.push(Buffer.from(chunk.subarray(0, this.limit - this.size)));
    this.size += chunk.length;
    if (this.size < this.limit) return true;
    // The limit is read: the answer counts as complete, and the rest is not read (its connection is closed).
    this.complete();
    this.stop();
    return false;
  }

  onComplete(): void {
    this.complete();
  }

  onError(error: Error): void {
    const progress = this.exchange?.progress;
    this.fail(progress === 'sent' || progress === 'answering' ? new ConnectionLost(error, progress, this.statusCode || undefined) : error);
  }

  /** The deadline passed: answer now as a timeout, and stop the request wherever it is. */
  expire(): void {
    if (this.settled) return;
    this.fail(new DeliveryTimeout(this.exchange?.progress, this.statusCode || undefined));
    this.stop();
  }

  private stop(): void {
    if (this.exchange) this.exchange.abort();
    else this.aborted = true;
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.onSettled(this, { ok: false, error });
  }

  private complete(): void {
    if (this.settled) return;
    this.settled = true;
    const body =
      this.chunks.length === 0
        ? ''
        : (this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks)).subarray(0, this.limit).toString('utf8');
    this.chunks = [];
    this.onSettled(this, { ok: true, statusCode: this.statusCode, head: this.head, body });
  }
}
