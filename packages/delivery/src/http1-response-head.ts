import { ResponseProtocolError } from './http1-response-checks.js';

/**
 * What an answer's head says, read from its text (http1-response.ts finds the head in the connection's bytes): the
 * status line, the few headers that frame the body and govern the connection, and, for whoever asks later, the whole
 * header block as names and values.
 */

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?:[ \t][^\r\n]*)?$/;

/** The status line's parts: [1] the minor version (`0` or `1`), [2] the three digits of the status code. */
export function statusLineOf(statusLine: string): RegExpExecArray {
  const status = STATUS_LINE.exec(statusLine);
  if (!status) throw new ResponseProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  return status;
}

/** How a final answer's body is framed, and whether its connection can carry the next request. */
export interface HeadFraming {
  /** Transfer-Encoding ends with chunked. */
  chunked: boolean;
  /** The body's Content-Length; undefined for chunked, for a body read until the connection closes, and when none is given. */
  length: number | undefined;
  /** False: the connection is closed after this answer (Connection: close, HTTP/1.0 without keep-alive, ambiguous framing). */
  keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=` in ms, when it gave one. */
  keepAliveHintMs: number | undefined;
}

/** Reads the headers that frame the body and govern the connection; the rest stays text until someone asks. */
export function framingOf(head: string, http10: boolean): HeadFraming {
  let chunked = false;
  let untilClose = false;
  let length: number | undefined;
  let connection = '';
  let keepAliveHintMs: number | undefined;
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
          if (timeout) keepAliveHintMs = Number(timeout[1]) * 1000;
        }
      }
    }
    at = lineEnd + 2;
  }
  const tokens = connection.split(',').map((token) => token.trim());
  let keepAlive = !(tokens.includes('close') || (http10 && !tokens.includes('keep-alive')));
  // A message with both is framed by the chunks, and cannot be trusted to end where a later one begins (RFC 9112 §6.3).
  if ((chunked || untilClose) && length !== undefined) keepAlive = false;
  return { chunked, length: chunked || untilClose ? undefined : length, keepAlive, keepAliveHintMs };
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
