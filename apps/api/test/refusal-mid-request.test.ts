import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, Keys, type Redis } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { closeServer, listenOnFreePort } from '../../../test/server-lifecycle.js';

/** One command as ioredis sends it: a RESP array of bulk strings; null until `buffer` holds the whole of it. */
function nextCommand(buffer: Buffer): { args: string[]; length: number } | null {
  let at = 0;
  const line = () => {
    const end = buffer.indexOf('\r\n', at);
    if (end < 0) return null;
    const text = buffer.toString('latin1', at, end);
    at = end + 2;
    return text;
  };
  const head = line();
  if (head === null) return null;
  const args: string[] = [];
  for (let count = Number(head.slice(1)); args.length < count; ) {
    const size = line();
    if (size === null) return null;
    const length = Number(size.slice(1));
    if (buffer.length < at + length + 2) return null;
    args.push(buffer.toString('utf8', at, at + length));
    at += length + 2;
  }
  return { args, length: at };
}

/** Neither command answers (CLIENT REPLY SKIP silences the next one), so the client's replies stay in step. */
const REFUSE_FROM_HERE = Buffer.from('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$9\r\nmaxmemory\r\n$1\r\n1\r\n');

/**
 * A relay in front of a private Redis that makes it refuse writes (OOM) right after the first command `trigger` picks,
 * on that command's own connection: what was sent before is taken, what follows is refused, as when Redis reaches its
 * limit in the middle of a request (docs/guarantees.md, "Redis refuses writes": it takes a few writes and refuses the rest).
 */
class MidRequestRefusal {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private trigger: ((args: string[]) => boolean) | null = null;
  fired = false;
  url = '';

  constructor(private readonly redisPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.redisPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      upstream.pipe(client);
      let pending = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        const out: Buffer[] = [];
        for (let command = nextCommand(pending); command; command = nextCommand(pending)) {
          out.push(pending.subarray(0, command.length));
          pending = pending.subarray(command.length);
          if (this.trigger?.(command.args)) {
            this.trigger = null;
            this.fired = true;
            out.push(REFUSE_FROM_HERE);
          }
        }
        if (out.length > 0) upstream.write(Buffer.concat(out));
      });
    });
    this.url = `redis://127.0.0.1:${await listenOnFreePort(this.server)}`;
  }

  /** Refuse writes right after the next command `trigger` picks (its arguments, the command's name lower-cased). */
  after(trigger: (args: string[]) => boolean): void {
    this.fired = false;
    this.trigger = (args) => trigger([args[0]?.toLowerCase() ?? '', ...args.slice(1)]);
  }

  async stop(): Promise<void> {
    await closeServer(this.server, () => this.sockets.forEach((socket) => socket.destroy()));
  }
}

describe('a management write that Redis starts refusing in the middle', () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  let relay: MidRequestRefusal;
  let admin: Redis;
  let fleet: TestFleet;
  let keys: Keys;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    admin = connectRedis(redisServer.url);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    relay = new MidRequestRefusal(redisServer.port);
    await relay.start();
    fleet = await startFleet({ REDIS_URL: relay.url, REDIS_CLUSTER_NODES: '', HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT: '2' }, { workers: 0 });
    keys = new Keys(fleet.config.prefix);
  });
  afterEach(async () => {
    await admin.config('SET', 'maxmemory', '0');
  });
  afterAll(async () => {
    await fleet.stop();
    await relay.stop();
    admin.disconnect();
    await redisServer.stop();
  });

  const refusedAnswer = { status: 503, body: { code: 'store_unavailable', error: expect.any(String) } };

  it('creates a tenant whole or not at all', async () => {
    const before = await admin.keys(`{${fleet.config.prefix}:*`);
    relay.after(([name, key]) => name === 'set' && key?.endsWith(':doc') === true && key.includes(':ten:'));
    const refused = await fleet.call('POST', '/v1/tenants', { name: 'half' });
    expect(relay.fired).toBe(true);
    expect(refused).toMatchObject(refusedAnswer);
    expect(refused.headers.get('retry-after')).toBe('5');
    await admin.config('SET', 'maxmemory', '0');
    // Nothing of the refused tenant is left: no record, no key lookup, no index entry.
    expect((await admin.keys(`{${fleet.config.prefix}:*`)).filter((key) => !before.includes(key))).toEqual([]);
    const listed = await fleet.call('GET', '/v1/tenants');
    expect(listed.body.data.map((tenant: { name: string }) => tenant.name)).not.toContain('half');
    const created = await fleet.createTenant('half');
    expect((await fleet.call('GET', `/v1/tenants/${created.id}`, undefined, created.api_key)).status).toBe(200);
  });

  it('leaves no subscription id in the tenant index that no subscription stands behind', async () => {
    const tenant = await fleet.createTenant('limited');
    const subscribe = () => fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.*'] }, tenant.api_key);
    relay.after(([name, key]) => name === 'zadd' && key === keys.tenantSubscriptions(tenant.id));
    expect(await subscribe()).toMatchObject(refusedAnswer);
    expect(relay.fired).toBe(true);
    await admin.config('SET', 'maxmemory', '0');
    expect(await admin.zrange(keys.tenantSubscriptions(tenant.id), 0, -1)).toEqual([]);
    // The limit (2) counts the subscriptions there are: both can be made after the refused one.
    expect((await subscribe()).status).toBe(201);
    expect((await subscribe()).status).toBe(201);
  });

  it('records no replay that was never started', async () => {
    const tenant = await fleet.createTenant('replays');
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.*'] }, tenant.api_key)).body as { id: string };
    let recorded = false;
    relay.after(([name, key]) => {
      if (name === 'hset' && key?.includes(':op:')) recorded = true;
      return recorded && name === 'exec';
    });
    expect(await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since: '1h' }, tenant.api_key)).toMatchObject(refusedAnswer);
    expect(relay.fired).toBe(true);
    await admin.config('SET', 'maxmemory', '0');
    const operations = await admin.keys(keys.operation('*'));
    const running = await Promise.all(operations.map((key) => admin.hget(key, 'status')));
    expect(running.filter((status) => status === 'running')).toEqual([]);
    const started = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since: '1h' }, tenant.api_key);
    expect(started.status).toBe(202);
  });
});
