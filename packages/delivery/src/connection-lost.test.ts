import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeliveryTransport } from './transport.js';

/** What the server writes before it drops the connection, by path; `reset` sends an RST, `close` a FIN. */
const SCRIPTS: Record<string, { written: string; drop: 'reset' | 'close' }> = {
  '/reset-in-body': { written: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc', drop: 'reset' },
  '/close-in-body': { written: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc', drop: 'close' },
  '/reset-in-head': { written: 'HTTP/1.1 200 OK\r\nContent-Le', drop: 'reset' },
  '/reset-unanswered': { written: '', drop: 'reset' },
  '/close-unanswered': { written: '', drop: 'close' },
};

/**
 * A connection that was set up and then lost says so, with the status that had come: "Could not connect to …: the
 * connection was reset" sent its operator to the network and left the HTTP 200 out of the attempt log.
 */
describe('a connection lost after it was set up says how far the answer got', () => {
  let server: net.Server;
  let origin = '';
  const sockets = new Set<net.Socket>();
  const transport = new DeliveryTransport({ timeoutMs: 5_000, concurrency: 8, allowPrivateTargets: true, userAgent: 'hookfleet/test' });

  beforeAll(async () => {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      socket.once('data', (request) => {
        const path = /^POST (\S+)/.exec(request.toString('latin1'))?.[1] ?? '';
        const script = SCRIPTS[path];
        if (!script) return;
        const drop = () => (script.drop === 'reset' ? socket.resetAndDestroy() : socket.end());
        // The part written reaches the client before the drop (an RST can discard what the client has not read yet).
        if (script.written) socket.write(script.written, () => setTimeout(drop, 50));
        else drop();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    await transport.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['/reset-in-body', (at: string) => `${at} answered HTTP 200, then the connection was reset before its body ended`],
    ['/close-in-body', (at: string) => `${at} answered HTTP 200, then the endpoint closed the connection before its body ended`],
    ['/reset-in-head', (at: string) => `${at} began to answer, then the connection was reset before its status line and headers ended`],
    ['/reset-unanswered', (at: string) => `connected to ${at}, then the connection was reset before any answer`],
    ['/close-unanswered', (at: string) => `connected to ${at}, then the endpoint closed the connection before any answer`],
  ])('%s', async (path, message) => {
    const result = await transport.post(`${origin}${path}`, '{}', {});
    expect(result).toMatchObject({ kind: 'error', statusCode: null, error: message(origin) });
  });
});
