/**
 * The checks that refuse an answer as soon as its bytes show it is not an HTTP/1.1 one worth reading (http1-response.ts
 * reads it): the limits on its head and lines, and the heads that no further bytes could finish or that would be read
 * differently by another parser. A refused answer fails its exchange, and its connection is closed.
 */

/** The answer broke HTTP/1.1's framing, or a limit: the exchange fails with it and its connection is closed. */
export class ResponseProtocolError extends Error {
  override name = 'ResponseProtocolError';
  readonly code = 'ERR_HTTP_RESPONSE_INVALID';
}

/** A status line and headers larger than this end the exchange (Node's own HTTP parser allows 16 KiB). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line (with its extensions) or a trailer line longer than this is not an answer worth reading. */
export const MAX_LINE_BYTES = 4096;

const HTTP_VERSION_PREFIX = Buffer.from('HTTP/1.');
const LF = 0x0a;
const CR = 0x0d;

/**
 * Throws for the start of a head that no further bytes can make an HTTP/1.x answer: bytes that do not begin
 * `HTTP/1.` (another protocol, an HTML page without a status line), or a line ended by LF alone (HTTP/1.1 ends lines with
 * CRLF; Node's and undici's parsers refuse the bare LF too). Its CRLF CRLF would never come, and the attempt would wait
 * for the timeout and be retried, while the endpoint had answered (and acted on) every request at once.
 */
export function refuseUnfinishableHead(data: Buffer): void {
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
export function refuseBareLineFeed(head: string): void {
  for (let at = head.indexOf('\n'); at >= 0; at = head.indexOf('\n', at + 1)) {
    if (head.charCodeAt(at - 1) !== CR) throw new ResponseProtocolError('the answer ends a line of its head with LF alone, not CRLF as HTTP/1.1 requires');
  }
}
