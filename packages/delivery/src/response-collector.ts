import type { Dispatcher } from 'undici';
import type { Watched } from './deadline-watch.js';

/** How one dispatched request ended: a response (raw headers, the body cut at the limit), or the error that ended it. */
export type Collected = { ok: true; statusCode: number; rawHeaders: Buffer[]; body: string } | { ok: false; error: unknown };

/** The error a request gets when its whole-request deadline passes (classified as a timeout). */
export class DeliveryTimeout extends Error {
  override name = 'TimeoutError';
  constructor() {
    super('timed out');
  }
}

/** Ends a response early once the body limit is read: a huge or endless answer costs no more than the limit. */
class BodyLimitReached extends Error {
  override name = 'BodyLimitReached';
}

/**
 * Receives one response through undici's dispatch API: status, raw headers and the first `limit` bytes of the
 * body, without the Readable stream, async iterator and AbortSignal that `undici.request` builds per request
 * (those were ~15 % of the delivery worker's CPU in the benchmark's profile). It uses the handler callbacks
 * undici 7 calls natively, so no adapter object is made per request and headers are parsed only when read.
 */
export class ResponseCollector implements Dispatcher.DispatchHandler, Watched {
  settled = false;
  /** Its place in the transport's DeadlineWatch while in flight (in-flight-list.ts). */
  listIndex = -1;
  private abort: ((reason?: Error) => void) | null = null;
  private abortReason: Error | null = null;
  private statusCode = 0;
  private rawHeaders: Buffer[] = [];
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    /** performance.now() after which the request is abandoned. */
    readonly deadline: number,
    private readonly limit: number,
    private readonly onSettled: (collector: ResponseCollector, outcome: Collected) => void,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    this.abort = abort;
    if (this.abortReason) abort(this.abortReason);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return true;
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.limit) return true;
    this.complete();
    this.abort?.(new BodyLimitReached('response body limit reached'));
    return false;
  }

  onComplete(): void {
    this.complete();
  }

  onError(error: Error): void {
    this.fail(error);
  }

  /** The deadline passed: answer now as a timeout, and stop the request wherever it is. */
  expire(): void {
    if (this.settled) return;
    const reason = new DeliveryTimeout();
    this.fail(reason);
    if (this.abort) this.abort(reason);
    else this.abortReason = reason;
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
    this.onSettled(this, { ok: true, statusCode: this.statusCode, rawHeaders: this.rawHeaders, body });
  }
}
