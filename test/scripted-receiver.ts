import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ReceivedRequest } from './receiver.js';

export type ScriptedHandler = (received: ReceivedRequest, response: ServerResponse, request: IncomingMessage) => void;

/**
 * A receiver whose handler writes the raw answer itself: late, trickled, huge, a redirect, or never. Every request
 * is recorded when its body has arrived; stop() destroys the sockets still open (hanging answers included).
 */
export class ScriptedReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  constructor(private readonly handler: ScriptedHandler, private readonly host = '127.0.0.1') {}

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
        this.handler(received, response, request);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, this.host, () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** A timer the receiver owns, cleared on stop (for answers written later or bit by bit). */
  later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  url(path = '/hook', host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  forPath(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}

/** A raw TCP server that writes `response` one byte every `intervalMs` to each connection (headers included). */
export class TricklingServer {
  private server: NetServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  connections = 0;
  port = 0;

  constructor(private readonly response: string, private readonly intervalMs: number) {}

  async start(): Promise<this> {
    this.server = createNetServer((socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      let offset = 0;
      const timer = setInterval(() => {
        if (offset >= this.response.length || socket.destroyed) {
          clearInterval(timer);
          this.timers.delete(timer);
          socket.end();
          return;
        }
        socket.write(this.response[offset] ?? '');
        offset += 1;
      }, this.intervalMs);
      this.timers.add(timer);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        this.timers.delete(timer);
        this.sockets.delete(socket);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
