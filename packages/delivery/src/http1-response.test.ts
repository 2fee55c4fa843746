import { describe, expect, it } from '@jest/globals';
import { MAX_HEAD_BYTES, parseHeaderBlock, ResponseParser, ResponseProtocolError } from './http1-response.js';

interface Read {
  status: number | null;
  head: string;
  body: string;
  finished: boolean;
  reusable: boolean;
  keepAliveMs: number | undefined;
}

/** The bytes the parser is fed are lent, as the pool's one read buffer is: overwritten with this after each feed. */
const GARBAGE = 0x58;

/**
 * Feeds `pieces` (each split again at every `cut` bytes, to cross every boundary) and says what the parser read. Each
 * feed goes through one lent buffer that is overwritten afterwards, so a parser keeping a view of it reads garbage.
 */
function read(pieces: readonly string[], cut = 0, stopAfter = Infinity): Read {
  const seen: Read = { status: null, head: '', body: '', finished: false, reusable: false, keepAliveMs: undefined };
  let bodyBytes = 0;
  const parser = new ResponseParser({
    onHead: (statusCode, head) => {
      seen.status = statusCode;
      seen.head = head;
    },
    onBody: (chunk) => {
      seen.body += chunk.toString('latin1');
      bodyBytes += chunk.length;
      return bodyBytes < stopAfter;
    },
  });
  const lent = Buffer.alloc(Math.max(1, ...pieces.map((piece) => Buffer.byteLength(piece, 'latin1'))));
  const feedLent = (bytes: Buffer) => {
    bytes.copy(lent);
    parser.feed(lent.subarray(0, bytes.length));
    lent.fill(GARBAGE);
  };
  for (const piece of pieces) {
    const bytes = Buffer.from(piece, 'latin1');
    if (cut <= 0) feedLent(bytes);
    else for (let at = 0; at < bytes.length; at += cut) feedLent(bytes.subarray(at, at + cut));
  }
  return { ...seen, finished: parser.finished, reusable: parser.reusable, keepAliveMs: parser.keepAliveTimeoutMs };
}

const OK = 'HTTP/1.1 200 OK\r\n';

describe('ResponseParser: one HTTP/1.x answer from a connection’s bytes', () => {
  // [case, bytes, status, body, finished, reusable]
  const cases: Array<[string, string, number, string, boolean, boolean]> = [
    ['Content-Length body', `${OK}Content-Length: 5\r\n\r\nhello`, 200, 'hello', true, true],
    ['an empty body by length', `${OK}Content-Length: 0\r\n\r\n`, 200, '', true, true],
    ['204 has no body whatever it says', 'HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n', 204, '', true, true],
    ['304 has no body', 'HTTP/1.1 304 Not Modified\r\n\r\n', 304, '', true, true],
    ['chunked', `${OK}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n`, 200, 'hello world', true, true],
    [
      'chunked with extensions and trailers',
      `${OK}transfer-encoding: gzip, chunked\r\n\r\n3;name=x\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n`,
      200,
      'abc',
      true,
      true,
    ],
    ['chunk sizes in upper-case hex', `${OK}Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n`, 200, '0123456789', true, true],
    ['Connection: close is not reused', `${OK}Connection: close\r\nContent-Length: 2\r\n\r\nok`, 200, 'ok', true, false],
    ['HTTP/1.0 closes unless it says keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', 200, 'ok', true, false],
    ['HTTP/1.0 with keep-alive is reused', 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok', 200, 'ok', true, true],
    ['no length: the body runs until the close', `${OK}\r\nuntil the end`, 200, 'until the end', false, false],
    [
      '1xx answers are skipped',
      `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${OK}Content-Length: 1\r\n\r\nx`,
      200,
      'x',
      true,
      true,
    ],
    [
      'chunked and a length: read by chunks, not reused',
      `${OK}Content-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n`,
      200,
      'z',
      true,
      false,
    ],
    ['bytes past the answer make the connection unusable', `${OK}Content-Length: 1\r\n\r\nxEXTRA`, 200, 'x', true, false],
    ['a status line without a reason', 'HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n', 503, '', true, true],
    [
      'a last coding other than chunked: until the close',
      `${OK}Transfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nraw bytes`,
      200,
      'raw bytes',
      false,
      false,
    ],
  ];

  it.each(cases)('%s', (_name, bytes, status, body, finished, reusable) => {
    for (const cut of [0, 1, 3, 7]) {
      expect(read([bytes], cut)).toMatchObject({ status, body, finished, reusable });
    }
  });

  it('hands over the header block without its status line', () => {
    expect(read([`${OK}Retry-After: 120\r\nX-A: 1\r\nContent-Length: 0\r\n\r\n`]).head).toBe('Retry-After: 120\r\nX-A: 1\r\nContent-Length: 0');
  });

  it('reads the server’s keep-alive timeout', () => {
    expect(read([`${OK}Keep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n`]).keepAliveMs).toBe(5000);
    expect(read([`${OK}Content-Length: 0\r\n\r\n`]).keepAliveMs).toBeUndefined();
  });

  it('stops where the reader says it has enough, and the connection is not reused', () => {
    const seen = read([`${OK}Content-Length: 100\r\n\r\n${'a'.repeat(40)}`, 'b'.repeat(60)], 0, 30);
    expect(seen).toMatchObject({ status: 200, finished: true, reusable: false });
    expect(seen.body).toBe('a'.repeat(40));
  });

  // [case, bytes]
  const malformed: Array<[string, string]> = [
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['HTTP/2 preface', 'HTTP/2 200\r\n\r\n'],
    ['a three-letter status', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['a negative length', `${OK}Content-Length: -1\r\n\r\n`],
    ['two lengths that disagree', `${OK}Content-Length: 1\r\nContent-Length: 2\r\n\r\nxx`],
    ['a chunk size that is not hex', `${OK}Transfer-Encoding: chunked\r\n\r\nzz\r\n`],
    ['chunk data without its CRLF', `${OK}Transfer-Encoding: chunked\r\n\r\n1\r\nxyz`],
    ['101 to a POST', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ];

  it.each(malformed)('refuses %s', (_name, bytes) => {
    expect(() => read([bytes])).toThrow(ResponseProtocolError);
  });

  it('refuses a head larger than the limit, whether or not its end has come', () => {
    const huge = `${OK}X-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`;
    expect(() => read([huge])).toThrow(/response head larger/);
    expect(() => read([`${huge}\r\n\r\n`])).toThrow(/response head larger/);
  });

  it('a body read until close ends only with the close', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onBody: () => true });
    parser.feed(Buffer.from(`${OK}\r\nsome`));
    expect(parser.finished).toBe(false);
    expect(parser.closed()).toBe(true);
    expect(parser).toMatchObject({ finished: true, reusable: false });
  });

  it('a close in the middle of a counted body breaks it', () => {
    const parser = new ResponseParser({ onHead: () => undefined, onBody: () => true });
    parser.feed(Buffer.from(`${OK}Content-Length: 10\r\n\r\nabc`));
    expect(parser.answered).toBe(true);
    expect(parser.closed()).toBe(false);
  });
});

describe('parseHeaderBlock', () => {
  it('lower-cases names, trims values and keeps every value of a repeated name', () => {
    expect(parseHeaderBlock('Retry-After:  120 \r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-Empty:\r\nno colon here')).toEqual({
      'retry-after': '120',
      'set-cookie': ['a=1', 'b=2'],
      'x-empty': '',
    });
    expect(parseHeaderBlock('')).toEqual({});
  });
});
