import { createServer, connect, type Server, type Socket } from 'node:net';
import { connectRedis, Keys, type Redis } from '@hookfleet/store';
import { startRedisServer } from '../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from './fleet.js';
import { closeServer, listenOnFreePort } from './server-lifecycle.js';

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

/** A command as RESP. */
const resp = (...args: string[]) => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

/**
 * How Redis refuses: out of memory (OOM: a DEL, which needs no memory, still passes), or too few replicas (NOREPLICAS:
 * every write is refused, DEL too, as on a primary cut off from its replicas).
 */
const REFUSALS = { oom: ['maxmemory', '1'], noreplicas: ['min-replicas-to-write', '1'] } as const;
export type Refusal = keyof typeof REFUSALS;

/** Neither command answers (CLIENT REPLY SKIP silences the next one), so the client's replies stay in step. */
const refuseFromHere = (refusal: Refusal) => Buffer.from(resp('CLIENT', 'REPLY', 'SKIP') + resp('CONFIG', 'SET', ...REFUSALS[refusal]));

/**
 * A relay in front of a private Redis that makes it refuse writes right after the first command `trigger` picks, on
 * that command's own connection: what was sent before is taken, what follows is refused, as when Redis reaches its
 * limit in the middle of a request (docs/guarantees.md, "Redis refuses writes"). A helper, not a test file.
 */
export class MidRequestRefusal {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private trigger: ((args: string[]) => boolean) | null = null;
  private refusal: Refusal = 'oom';
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
            out.push(refuseFromHere(this.refusal));
          }
        }
        if (out.length > 0) upstream.write(Buffer.concat(out));
      });
    });
    this.url = `redis://127.0.0.1:${await listenOnFreePort(this.server)}`;
  }

  /** Refuse writes right after the next command `trigger` picks (its arguments, the command's name lower-cased). */
  after(trigger: (args: string[]) => boolean, refusal: Refusal = 'oom'): void {
    this.fired = false;
    this.refusal = refusal;
    this.trigger = (args) => trigger([args[0]?.toLowerCase() ?? '', ...args.slice(1)]);
  }

  async stop(): Promise<void> {
    await closeServer(this.server, () => this.sockets.forEach((socket) => socket.destroy()));
  }
}

/** The API alone, on a private Redis reached through a MidRequestRefusal, with a connection to that Redis that is not. */
export interface RefusingFleet {
  fleet: TestFleet;
  relay: MidRequestRefusal;
  /** Straight to the private Redis: to look at what a refused request left, and to make Redis take writes again. */
  admin: Redis;
  keys: Keys;
  /** Redis takes every write again (between tests). */
  writable(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRefusingFleet(overrides: Record<string, string> = {}): Promise<RefusingFleet> {
  const redisServer = await startRedisServer();
  const admin = connectRedis(redisServer.url);
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
  const relay = new MidRequestRefusal(redisServer.port);
  await relay.start();
  const fleet = await startFleet({ REDIS_URL: relay.url, REDIS_CLUSTER_NODES: '', ...overrides }, { workers: 0 });
  return {
    fleet,
    relay,
    admin,
    keys: new Keys(fleet.config.prefix),
    async writable() {
      // Each refusal's setting back to 0: no memory limit, no replica required.
      for (const [setting] of Object.values(REFUSALS)) await admin.config('SET', setting, '0');
    },
    async stop() {
      await fleet.stop();
      await relay.stop();
      admin.disconnect();
      await redisServer.stop();
    },
  };
}
