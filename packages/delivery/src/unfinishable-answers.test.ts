import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResponseParser, ResponseProtocolError } from './http1-response.js';
import { DeliveryTransport } from './transport.js';

/** Far longer than any test waits: an answer that ran into it fails the test's own timeout first. */
const TIMEOUT_MS = 30_000;

/**
 * Answers no further byte can make HTTP/1.x. Each endpoint writes it at once and keeps the connection open: before, the
 * parser waited for a CRLF CRLF (or for a final status after a "1xx" of 0–99) that never came, the attempt ended as
 * "timed out" after DELIVERY_TIMEOUT_MS and was retried, while the endpoint had answered (and acted on) every copy.
 */
const unfinishable: Array<[string, string, RegExp]> = [
  ['lines ended by LF alone', 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', /LF alone, not CRLF/],
  ['a header line ended by LF alone', 'HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nok', /LF alone, not CRLF/],
  ['another protocol', 'SSH-2.0-OpenSSH_9.6\r\n', /not an HTTP\/1\.x answer: it begins "SSH-2\.0/],
  ['an HTML page without a status line', '<html><body>hello</body></html>', /not an HTTP\/1\.x answer: it begins "<html>/],
  ['a status code below 100', 'HTTP/1.1 099 Odd\r\n\r\n', /invalid status code 099/],
];

describe('answers that can never become HTTP/1.x end the attempt at once', () => {
  let server: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  let transport: DeliveryTransport;

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (request) => {
        const index = Number(/^POST \/(\d+)/.exec(request.toString('latin1'))?.[1]);
        socket.write(unfinishable[index]?.[1] ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    transport = new DeliveryTransport({ timeoutMs: TIMEOUT_MS, concurrency: 8, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
  });

  afterAll(async () => {
    await transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each(unfinishable.map(([name, , message], index) => [name, index, message] as const))('%s: an error that says so, not a timeout', async (_name, index, message) => {
    const result = await transport.post(`http://127.0.0.1:${port}/${index}`, '{}', {});
    expect(result).toMatchObject({ kind: 'error', statusCode: null, error: expect.stringMatching(message) });
    expect(result.durationMs).toBeLessThan(TIMEOUT_MS);
  });

  it.each([1, 3])('refuses them however the bytes are cut (%i at a time)', (cut) => {
    for (const [, bytes] of unfinishable) {
      const parser = new ResponseParser({ onHead: () => undefined, onBody: () => true });
      const data = Buffer.from(bytes, 'latin1');
      const feedAll = () => {
        for (let at = 0; at < data.length; at += cut) parser.feed(data.subarray(at, at + cut));
      };
      // Said as soon as the bytes so far show it: the foreign start with only those bytes.
      expect(feedAll).toThrow(ResponseProtocolError);
    }
  });

  it('still waits for a head that arrives in pieces, a 1xx before it included', () => {
    let status = 0;
    const parser = new ResponseParser({ onHead: (code) => (status = code), onBody: () => true });
    for (const piece of ['H', 'TTP/1.1 103 Early', ' Hints\r\n\r\nHT', 'TP/1.1 2', '01 Created\r', '\nContent-Length: 0\r\n', '\r\n']) parser.feed(Buffer.from(piece));
    expect(status).toBe(201);
    expect(parser.finished).toBe(true);
  });
});
