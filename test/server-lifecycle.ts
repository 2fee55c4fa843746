import type { AddressInfo, Server, Socket } from 'node:net';

/** Listens on a port the OS picks on `host`, so servers of tests running side by side never collide, and resolves with it. */
export async function listenOnFreePort(server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return (server.address() as AddressInfo).port;
}

/**
 * Closes `server` (if it was started) and resolves once it is closed. close() alone waits for every connection still
 * open (kept alive, or with an answer still to come), so `endConnections` ends them right after it.
 */
export async function closeServer<S extends Server>(server: S | undefined, endConnections: (server: S) => void): Promise<void> {
  if (!server) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    endConnections(server);
  });
}

/** The sockets and timers of a server whose answers hang or trickle: close() clears and destroys them, so it does not wait on them. */
export class OpenHandles {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Follows `socket` until it closes. */
  addSocket(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** A setTimeout or setInterval timer to clear on close, unless clearTimer comes first (it fired, or its work is done). */
  addTimer(timer: NodeJS.Timeout): void {
    this.timers.add(timer);
  }

  // clearTimeout cancels an interval as well: Node's setTimeout and setInterval make the same kind of Timeout.
  clearTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  async close(server: Server | undefined): Promise<void> {
    for (const timer of this.timers) this.clearTimer(timer);
    await closeServer(server, () => {
      for (const socket of this.sockets) socket.destroy();
    });
  }
}
