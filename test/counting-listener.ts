import { createServer, type Server } from 'node:net';

/**
 * A TCP listener on 127.0.0.1 that counts the connections it gets and closes each at once: it stands where a
 * forbidden target would, so every connection it counts is one the address rules should have stopped.
 */
export class CountingListener {
  private server: Server | undefined;
  connections = 0;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      this.connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
