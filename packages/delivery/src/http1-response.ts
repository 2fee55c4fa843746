import { MAX_HEAD_BYTES, MAX_LINE_BYTES, refuseBareLineFeed, refuseUnfinishableHead, ResponseProtocolError } from './http1-response-checks.js';
import { framingOf, statusLineOf } from './http1-response-head.js';

export { MAX_HEAD_BYTES, ResponseProtocolError } from './http1-response-checks.js';
export { parseHeaderBlock } from './http1-response-head.js';

/**
 * Reads one HTTP/1.x response from the bytes of a connection (RFC 9112): the status and header block, then the body
 * framed by Transfer-Encoding: chunked, by Content-Length, or by the connection's close. A delivery sends one request
 * at a time on a connection (no pipelining), so a parser lives for one exchange. Malformed or oversized answers throw
 * a ResponseProtocolError (http1-response-checks.ts); the connection they came on is not used again. What the head's
 * lines say is read in http1-response-head.ts.
 */

/** Where one response's parts go, in order: its head once, its body's bytes, its end. */
export interface ResponseSink {
  /** The final (non-1xx) status and its header block, the status line left out (`name: value` lines, CRLF-separated). */
  onHead(statusCode: number, head: string): void;
  /**
   * A piece of the body, unframed, lent for this call only: its bytes are overwritten by the connection's next read, so
   * a sink copies what it keeps. False: the reader wants no more (the parser stops; the connection is not reused).
   */
  onBody(chunk: Buffer): boolean;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'until-close' | 'done' | 'stopped';

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

export class ResponseParser {
  private state: State = 'head';
  /** Bytes of an unfinished head, chunk-size line or trailer, kept until their end arrives. */
  private pending: Buffer | null = null;
  /** Body bytes still to come: of the Content-Length, or of the current chunk. */
  private remaining = 0;
  /** The connection may carry another exchange once this one is done. */
  private keepAlive = true;
  /** The server's `Keep-Alive: timeout=` in ms, when it gave one. */
  private keepAliveHintMs: number | undefined;

  constructor(private readonly sink: ResponseSink) {}

  /** The response is complete (or the reader stopped it). */
  get finished(): boolean {
    return this.state === 'done' || this.state === 'stopped';
  }

  /** Complete, framed, nothing left over and not asked to close: the connection can carry the next request. */
  get reusable(): boolean {
    return this.state === 'done' && this.keepAlive;
  }

  /** How long the server said it keeps an idle connection open, if it said. */
  get keepAliveTimeoutMs(): number | undefined {
    return this.keepAliveHintMs;
  }

  /** A head has arrived: the connection's close now ends or breaks a body, not an unanswered request. */
  get answered(): boolean {
    return this.state !== 'head';
  }

  /**
   * Takes the next bytes of the connection, lent for this call only (the pool reads every connection into one buffer):
   * what the parser keeps for the next call it copies (keep). Bytes past the response's end make the connection unusable.
   */
  feed(chunk: Buffer): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (data.length > 0) {
      switch (this.state) {
        case 'head':
          data = this.readHead(data);
          break;
        case 'length':
        case 'chunk-data':
          data = this.readCounted(data);
          break;
        case 'until-close':
          if (!this.sink.onBody(data)) this.state = 'stopped';
          data = EMPTY;
          break;
        case 'chunk-size':
          data = this.readChunkSize(data);
          break;
        case 'chunk-data-end':
          data = this.readChunkEnd(data);
          break;
        case 'trailers':
          data = this.readTrailers(data);
          break;
        case 'done':
          // More than one answer to one request: framing is in doubt, the connection is closed after this one.
          this.keepAlive = false;
          return;
        case 'stopped':
          return;
      }
    }
  }

  /** An unfinished head or line, copied out of the lent read buffer until the rest arrives. */
  private keep(data: Buffer): void {
    this.pending = Buffer.from(data);
  }

  /** The connection closed: true when that ends the response (a body read until close), false when it breaks it. */
  closed(): boolean {
    if (this.state === 'until-close') {
      this.state = 'done';
      this.keepAlive = false;
      return true;
    }
    return this.finished;
  }

  private readHead(data: Buffer): Buffer {
    const end = data.indexOf(CRLF_CRLF);
    if (end < 0) {
      if (data.length > MAX_HEAD_BYTES) throw new ResponseProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
      refuseUnfinishableHead(data);
      this.keep(data);
      return EMPTY;
    }
    if (end > MAX_HEAD_BYTES) throw new ResponseProtocolError(`response head larger than ${MAX_HEAD_BYTES} bytes`);
    const text = data.toString('latin1', 0, end);
    refuseBareLineFeed(text);
    const lineEnd = text.indexOf('\r\n');
    const statusLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
    const status = statusLineOf(statusLine);
    const statusCode = Number(status[2]);
    // 000–099 is no status at all; taken for a 1xx, the final answer would be waited for until the timeout.
    if (statusCode < 100) throw new ResponseProtocolError(`invalid status code ${status[2]} (HTTP status codes are 100–999)`);
    const head = lineEnd < 0 ? '' : text.slice(lineEnd + 2);
    const rest = data.subarray(end + 4);
    // 1xx answers come before the final one (101 would switch protocols, which a delivery never asks for).
    if (statusCode < 200) {
      if (statusCode === 101) throw new ResponseProtocolError('101 Switching Protocols answered to a webhook delivery');
      return rest;
    }
    const framing = framingOf(head, status[1] === '0');
    this.keepAlive &&= framing.keepAlive;
    this.keepAliveHintMs = framing.keepAliveHintMs;
    this.sink.onHead(statusCode, head);
    if (statusCode === 204 || statusCode === 304 || framing.length === 0) this.state = 'done';
    else if (framing.chunked) this.state = 'chunk-size';
    else if (framing.length === undefined) {
      this.state = 'until-close';
      this.keepAlive = false;
    } else {
      this.state = 'length';
      this.remaining = framing.length;
    }
    return rest;
  }

  private readCounted(data: Buffer): Buffer {
    const take = Math.min(this.remaining, data.length);
    const piece = take === data.length ? data : data.subarray(0, take);
    this.remaining -= take;
    if (!this.sink.onBody(piece)) {
      this.state = 'stopped';
      return EMPTY;
    }
    if (this.remaining === 0) this.state = this.state === 'length' ? 'done' : 'chunk-data-end';
    return data.subarray(take);
  }

  private readChunkSize(data: Buffer): Buffer {
    const line = this.lineOf(data);
    if (!line) return EMPTY;
    const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;[^\r\n]*)?$/.exec(line.text);
    if (!size) throw new ResponseProtocolError(`invalid chunk size line ${JSON.stringify(line.text.slice(0, 40))}`);
    this.remaining = Number.parseInt(size[1] as string, 16);
    this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    return line.rest;
  }

  private readChunkEnd(data: Buffer): Buffer {
    if (data.length < 2) {
      this.keep(data);
      return EMPTY;
    }
    if (data[0] !== 0x0d || data[1] !== 0x0a) throw new ResponseProtocolError('chunk data not followed by CRLF');
    this.state = 'chunk-size';
    return data.subarray(2);
  }

  private readTrailers(data: Buffer): Buffer {
    let rest = data;
    for (;;) {
      const line = this.lineOf(rest);
      if (!line) return EMPTY;
      rest = line.rest;
      if (line.text === '') {
        this.state = 'done';
        return rest;
      }
    }
  }

  /** The next CRLF-ended line and what follows it; null (the bytes kept) while its end has not arrived. */
  private lineOf(data: Buffer): { text: string; rest: Buffer } | null {
    const end = data.indexOf('\r\n');
    if (end < 0) {
      if (data.length > MAX_LINE_BYTES) throw new ResponseProtocolError(`response line longer than ${MAX_LINE_BYTES} bytes`);
      this.keep(data);
      return null;
    }
    if (end > MAX_LINE_BYTES) throw new ResponseProtocolError(`response line longer than ${MAX_LINE_BYTES} bytes`);
    return { text: data.toString('latin1', 0, end), rest: data.subarray(end + 2) };
  }
}
