import type { PoolTarget } from './http1-exchange.js';

/**
 * A delivery's request as the HTTP/1.1 pool writes it (http1-pool.ts): one string, in one piece, with every header
 * checked first, so that no header can split the request in two.
 */

/** A header the request would carry that HTTP forbids (a name that is not a token, a value with CR, LF or NUL). */
export class InvalidRequestHeader extends Error {
  override name = 'InvalidRequestHeader';
  readonly code = 'ERR_INVALID_REQUEST_HEADER';
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
/** Header names already checked: a worker sends the same few names on every request. */
const validNames = new Set<string>();
const MAX_VALID_NAMES = 1000;

/** The request line, Host, Content-Length, the caller's headers and the body, as one string written in one piece. */
export function requestText(target: PoolTarget, body: string, headers: Record<string, string>): string {
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
