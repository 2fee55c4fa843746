import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { waitFor } from '../../../test/wait.js';
import { BrokerPool } from './broker-pool.js';

const NATS_SERVER = process.env.HOOKFLEET_TEST_NATS_SERVER ?? 'nats://127.0.0.1:4222';

/** Real NATS connections through the pool: one per key, closed when idle, on discard and on close. */
describe('BrokerPool', () => {
  const opened: NatsConnection[] = [];
  const connector = {
    open: async (server: string) => {
      const connection = await connect({ servers: server, reconnect: false });
      opened.push(connection);
      return connection;
    },
    close: async (connection: NatsConnection) => connection.close(),
    isOpen: (connection: NatsConnection) => !connection.isClosed(),
  };

  it('shares one connection per key and closes it once idle', async () => {
    const pool = new BrokerPool(connector, 100, 5_000);
    const used = await Promise.all([1, 2, 3].map(() => pool.with(NATS_SERVER, async (connection) => connection)));
    expect(new Set(used).size).toBe(1);
    expect(pool.size).toBe(1);
    await waitFor(() => pool.size === 0 && used[0]?.isClosed(), { message: 'the idle connection closed' });
    // The next use opens a fresh one.
    const fresh = await pool.with(NATS_SERVER, async (connection) => connection);
    expect(fresh).not.toBe(used[0]);
    await pool.close();
    expect(fresh.isClosed()).toBe(true);
  });

  it('keeps no connection that failed to open, and drops a discarded one', async () => {
    const pool = new BrokerPool(connector, 60_000, 5_000);
    await expect(pool.with('nats://127.0.0.1:1', async () => 'used')).rejects.toThrow();
    expect(pool.size).toBe(0);
    const first = await pool.with(NATS_SERVER, async (connection) => connection);
    pool.discard(NATS_SERVER, first);
    await waitFor(() => first.isClosed(), { message: 'the discarded connection closed' });
    const second = await pool.with(NATS_SERVER, async (connection) => connection);
    expect(second).not.toBe(first);
    await pool.close();
  });

  it('drops a pooled connection that closed while idle and opens a fresh one for the next use', async () => {
    const pool = new BrokerPool(connector, 60_000, 5_000);
    const first = await pool.with(NATS_SERVER, async (connection) => connection);
    await first.close();
    const second = await pool.with(NATS_SERVER, async (connection) => connection);
    expect(second).not.toBe(first);
    expect(second.isClosed()).toBe(false);
    expect(pool.size).toBe(1);
    await pool.close();
  });

  it('gives up a connection that does not open in time (a host that accepts and says nothing)', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const pool = new BrokerPool(connector, 60_000, 200);
    try {
      await expect(pool.with(`nats://127.0.0.1:${(silent.address() as AddressInfo).port}`, async () => 'used')).rejects.toThrow(
        'timed out connecting to the broker',
      );
      expect(pool.size).toBe(0);
    } finally {
      await pool.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
