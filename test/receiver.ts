import type { Server } from 'node:http';
import { createRecordingServer, type ReceivedRequest } from './recording-server.js';
import { closeServer, listenOnFreePort } from './server-lifecycle.js';

export type { ReceivedRequest } from './recording-server.js';

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
    this.server = createRecordingServer(this.requests, (received, response) => {
      const count = (this.countsByPath.get(received.path) ?? 0) + 1;
      this.countsByPath.set(received.path, count);
      const answer = this.responder(received, count);
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
    });
    this.port = await listenOnFreePort(this.server);
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  forPath(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    await closeServer(this.server, (server) => server.closeAllConnections());
  }
}
