/**
 * Reads one HTTP/1.x response from the bytes of a connection (RFC 9112): the status and header block, then the body
 * framed by Transfer-Encoding: chunked, by Content-Length, or by the connection's close. A delivery sends one request
 * at a time on a connection (no pipelining), so a parser lives for one exchange. Malformed or oversized answers throw
 * a ResponseProtocolError; the connection they came on is not used again.
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

/** The answer broke HTTP/1.1's framing, or a limit: the exchange fails with it and its connection is closed. */
export class ResponseProtocolError extends Error {
  override name = 'ResponseProtocolError';
  readonly code = 'ERR_HTTP_RESPONSE_INVALID';
}

/** A status line and headers larger than this end the exchange (Node's own HTTP parser allows 16 KiB). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line (with its extensions) or a trailer line longer than this is not an answer worth reading. */
const MAX_LINE_BYTES = 4096;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-data-end' | 'trailers' | 'until-close' | 'done' | 'stopped';

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?:[ \t][^\r\n]*)?$/;

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
    const status = STATUS_LINE.exec(statusLine);
    if (!status) throw new ResponseProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
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
    const framing = this.framingOf(head, status[1] === '0');
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

  /** Reads the headers that frame the body and govern the connection; the rest stays text until someone asks. */
  private framingOf(head: string, http10: boolean): { chunked: boolean; length: number | undefined } {
    let chunked = false;
    let untilClose = false;
    let length: number | undefined;
    let connection = '';
    for (let at = 0; at < head.length;) {
      let lineEnd = head.indexOf('\r\n', at);
      if (lineEnd < 0) lineEnd = head.length;
      const colon = head.indexOf(':', at);
      if (colon > at && colon < lineEnd) {
        const first = head.charCodeAt(at) | 0x20;
        // Only four names matter here; their first letters (c, k, t) rule out most lines without a lower-casing.
        if (first === 0x63 || first === 0x6b || first === 0x74) {
          const name = head.slice(at, colon).trim().toLowerCase();
          const value = head.slice(colon + 1, lineEnd).trim();
          if (name === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) throw new ResponseProtocolError(`invalid Content-Length ${JSON.stringify(value)}`);
            const parsed = Number(value);
            if (length !== undefined && length !== parsed) throw new ResponseProtocolError('conflicting Content-Length headers');
            length = parsed;
          } else if (name === 'transfer-encoding') {
            const codings = value
              .toLowerCase()
              .split(',')
              .map((coding) => coding.trim());
            // Chunked last frames the body; any other last coding leaves it to the connection's close (RFC 9112 §6.3).
            if (codings[codings.length - 1] === 'chunked') chunked = true;
            else untilClose = true;
          } else if (name === 'connection') connection += `${value.toLowerCase()},`;
          else if (name === 'keep-alive') {
            const timeout = /(?:^|[,;\s])timeout\s*=\s*(\d+)/i.exec(value);
            if (timeout) this.keepAliveHintMs = Number(timeout[1]) * 1000;
          }
        }
      }
      at = lineEnd + 2;
    }
    const tokens = connection.split(',').map((token) => token.trim());
    if (tokens.includes('close') || (http10 && !tokens.includes('keep-alive'))) this.keepAlive = false;
    // A message with both is framed by the chunks, and cannot be trusted to end where a later one begins (RFC 9112 §6.3).
    if ((chunked || untilClose) && length !== undefined) this.keepAlive = false;
    return { chunked, length: chunked || untilClose ? undefined : length };
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

const EMPTY = Buffer.alloc(0);
const HTTP_VERSION_PREFIX = Buffer.from('HTTP/1.');
const LF = 0x0a;
const CR = 0x0d;

/**
 * Throws for the start of a head that no further bytes can make an HTTP/1.x answer: bytes that do not begin
 * `HTTP/1.` (another protocol, an HTML page without a status line), or a line ended by LF alone (HTTP/1.1 ends lines with
 * CRLF; Node's and undici's parsers refuse the bare LF too). Its CRLF CRLF would never come, and the attempt would wait
 * for the timeout and be retried, while the endpoint had answered (and acted on) every request at once.
 */
function refuseUnfinishableHead(data: Buffer): void {
  const compared = Math.min(data.length, HTTP_VERSION_PREFIX.length);
  if (data.compare(HTTP_VERSION_PREFIX, 0, compared, 0, compared) !== 0) {
    throw new ResponseProtocolError(`not an HTTP/1.x answer: it begins ${JSON.stringify(data.toString('latin1', 0, 40))}`);
  }
  for (let at = data.indexOf(LF); at >= 0; at = data.indexOf(LF, at + 1)) {
    if (at === 0 || data[at - 1] !== CR) throw new ResponseProtocolError('the answer ends its lines with LF alone, not CRLF as HTTP/1.1 requires');
  }
}

/**
 * Throws for a whole head with a line ended by LF alone among CRLF-ended ones. Lines are split at CRLF only, so
 * `X-A: 1\nContent-Length: 5` would be one header named X-A and its Content-Length unseen: framing read differently
 * from a parser that splits at LF too. Node's llhttp refuses such a head; so does this one.
 */
function refuseBareLineFeed(head: string): void {
  for (let at = head.indexOf('\n'); at >= 0; at = head.indexOf('\n', at + 1)) {
    if (head.charCodeAt(at - 1) !== CR) throw new ResponseProtocolError('the answer ends a line of its head with LF alone, not CRLF as HTTP/1.1 requires');
  }
}

/**
 * A header block as `{ name: value }`, names lower-cased; a name given more than once keeps every value in an array
 * (as Node's and undici's parsers hand them over).
 */
export function parseHeaderBlock(head: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const known = headers[name];
    if (known === undefined) headers[name] = value;
    else if (Array.isArray(known)) known.push(value);
    else headers[name] = [known, value];
  }
  return headers;
}
