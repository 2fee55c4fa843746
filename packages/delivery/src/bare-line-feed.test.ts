import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResponseParser } from './http1-response.js';
import { DeliveryTransport } from './transport.js';

/** Two readings of one answer: split at CRLF, Content-Length hides in X-Note's value; split at LF, it frames 5 bytes. */
const HIDDEN_LENGTH = 'HTTP/1.1 200 OK\r\nX-Note: a\nContent-Length: 5\r\n\r\nhello';

describe('a head with a line ended by LF alone among CRLF-ended ones', () => {
  let server: net.Server;
  let url = '';
  const sockets = new Set<net.Socket>();
  const transport = new DeliveryTransport({ timeoutMs: 5_000, concurrency: 4, allowPrivateTargets: true, userAgent: 'hookfleet/test' });

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(HIDDEN_LENGTH));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is refused as malformed, as Node’s parser refuses it, not read with its Content-Length hidden', async () => {
    const result = await transport.post(url, '{}', {});
    expect(result).toMatchObject({
      kind: 'error',
      statusCode: null,
      error: 'ERR_HTTP_RESPONSE_INVALID: the answer ends a line of its head with LF alone, not CRLF as HTTP/1.1 requires',
    });
  });

  it('is refused whichever line holds the LF, the status line included', () => {
    for (const head of ['HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Last: 1\n\r\n\r\n']) {
      const parser = new ResponseParser({ onHead: () => undefined, onBody: () => true });
      expect(() => parser.feed(Buffer.from(head))).toThrow(/LF alone/);
    }
  });
});
