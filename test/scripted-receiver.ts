import type { Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { createRecordingServer, type ReceivedRequest, type RecordedRequestHandler } from './recording-server.js';
import { listenOnFreePort, OpenHandles } from './server-lifecycle.js';

export type ScriptedHandler = RecordedRequestHandler;

/**
 * A receiver whose handler writes the raw answer itself: late, trickled, huge, a redirect, or never. Every request
 * is recorded when its body has arrived; stop() destroys the sockets still open (hanging answers included).
 */
export class ScriptedReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly open = new OpenHandles();
  port = 0;

  constructor(private readonly handler: ScriptedHandler, private readonly host = '127.0.0.1') {}

  async start(): Promise<this> {
    this.server = createRecordingServer(this.requests, this.handler);
    this.server.on('connection', (socket) => this.open.addSocket(socket));
    this.port = await listenOnFreePort(this.server, this.host);
    return this;
  }

  /** A timer the receiver owns, cleared on stop (for answers written later or bit by bit). */
  later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.open.clearTimer(timer);
      work();
    }, ms);
    this.open.addTimer(timer);
  }

  url(path = '/hook', host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  forPath(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    await this.open.close(this.server);
  }
}

/** A raw TCP server that writes `response` one byte every `intervalMs` to each connection (headers included). */
export class TricklingServer {
  private server: NetServer | undefined;
  private readonly open = new OpenHandles();
  connections = 0;
  port = 0;

  constructor(private readonly response: string, private readonly intervalMs: number) {}

  async start(): Promise<this> {
    this.server = createNetServer((socket) => {
      this.connections += 1;
      this.open.addSocket(socket);
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= this.response.length || socket.destroyed) {
          this.open.clearTimer(timer);
          socket.end();
          return;
        }
        socket.write(this.response[offset] ?? '');
        offset += 1;
      }, this.intervalMs);
      this.open.addTimer(timer);
      socket.on('error', () => undefined);
      socket.on('close', () => this.open.clearTimer(timer));
    });
    this.port = await listenOnFreePort(this.server);
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    await this.open.close(this.server);
  }
}
