import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignatureCheck } from './signature-schemes.js';

export interface ReceivedDelivery {
  receivedAt: Date;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes, as the signature covers them. */
  body: Buffer;
  signature: SignatureCheck;
}

export interface ReceiverOptions {
  host: string;
  port: number;
  /** The status every delivery is answered with (200; a 5xx to watch the retry ladder). */
  status: number;
  check(body: Buffer, headers: IncomingHttpHeaders): SignatureCheck;
  onDelivery(delivery: ReceivedDelivery): void;
}

export interface RunningReceiver {
  url: string;
  close(): Promise<void>;
}

// Deliveries are at most 1 MiB plus headers; anything far larger is not one.
const MAX_BODY_BYTES = 5 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A local HTTP server that answers every request and reports it with its signature check. */
export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (!body) {
        response.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"body too large"}');
        return;
      }
      options.onDelivery({
        receivedAt: new Date(),
        method: request.method ?? 'POST',
        path: request.url ?? '/',
        headers: request.headers,
        body,
        signature: options.check(body, request.headers),
      });
      response.writeHead(options.status, { 'content-type': 'application/json' }).end(JSON.stringify({ received: true }));
    })().catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
