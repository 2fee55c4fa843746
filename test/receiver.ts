import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Responder = (request: ReceivedRequest, countForPath: number) => { status: number; body?: string; headers?: Record<string, string> };

/** `/flaky` answers 503 twice then 200, `/down` always 500, every other path 200: retries and dead letters in one. */
export const flakyAndDown: Responder = (request, count) => {
  if (request.path === '/flaky' && count <= 2) return { status: 503 };
  if (request.path === '/down') return { status: 500 };
  return { status: 200 };
};

/** A real HTTP receiver on 127.0.0.1 that records every request; the responder decides each answer. */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly countsByPath = new Map<string, number>();
  private server: Server | undefined;
  port = 0;

  constructor(public responder: Responder = () => ({ status: 200 })) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = {
          method: request.method ?? '',
          path: request.url ?? '/',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        };
        this.requests.push(received);
        const count = (this.countsByPath.get(received.path) ?? 0) + 1;
        this.countsByPath.set(received.path, count);
        const answer = this.responder(received, count);
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  forPath(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
