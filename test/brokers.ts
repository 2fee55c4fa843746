import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as amqpConnect, type Channel, type ChannelModel } from 'amqplib';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { waitFor } from './wait.js';

/** The machine's RabbitMQ and NATS (started before each session, and by .ci/run when not answering). */
export const RABBITMQ_URL = process.env.HOOKFLEET_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const NATS_SERVER = process.env.HOOKFLEET_TEST_NATS_SERVER ?? 'nats://127.0.0.1:4222';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** One message as a subscriber's consumer sees it: the body's bytes and every header. */
export interface BrokerMessageSeen {
  body: string;
  headers: Record<string, string>;
  /** RabbitMQ's messageId; JetStream's Nats-Msg-Id. */
  messageId: string;
}

/** A RabbitMQ exchange and a queue bound to it with `routingKey`, consumed into `messages`; deleted by close(). */
export class RabbitQueue {
  readonly messages: BrokerMessageSeen[] = [];
  readonly exchange = uniqueName('hookfleet-test-x');
  readonly queue = uniqueName('hookfleet-test-q');
  readonly routingKey = 'webhooks';
  private model: ChannelModel | undefined;
  private channel: Channel | undefined;

  async start(): Promise<this> {
    this.model = await amqpConnect(RABBITMQ_URL);
    this.channel = await this.model.createChannel();
    await this.channel.assertExchange(this.exchange, 'direct', { durable: false, autoDelete: false });
    await this.channel.assertQueue(this.queue, { durable: false, exclusive: false });
    await this.channel.bindQueue(this.queue, this.exchange, this.routingKey);
    await this.channel.consume(
      this.queue,
      (message) => {
        if (!message) return;
        const headers = Object.fromEntries(Object.entries((message.properties.headers ?? {}) as Record<string, unknown>).map(([name, value]) => [name, String(value)]));
        this.messages.push({ body: message.content.toString('utf8'), headers, messageId: String(message.properties.messageId ?? '') });
      },
      { noAck: true },
    );
    return this;
  }

  async close(): Promise<void> {
    if (!this.channel || !this.model) return;
    await this.channel.deleteQueue(this.queue);
    await this.channel.deleteExchange(this.exchange);
    await this.model.close();
  }
}

/** A JetStream stream on one subject of its own; read back whole by sequence; deleted by close(). */
export class NatsStream {
  readonly stream = uniqueName('hookfleet-test-s');
  readonly subject = `${this.stream}.webhooks`;
  private connection: NatsConnection | undefined;
  private manager: JetStreamManager | undefined;

  constructor(private readonly server = NATS_SERVER) {}

  async start(): Promise<this> {
    // A private server stopped and started again (PrivateNatsServer) is back within a moment: so is this connection.
    this.connection = await natsConnect({ servers: this.server, reconnectTimeWait: 100 });
    this.manager = await jetstreamManager(this.connection);
    await this.manager.streams.add({ name: this.stream, subjects: [this.subject] });
    return this;
  }

  /** Every message the stream holds, in order. */
  async messages(): Promise<BrokerMessageSeen[]> {
    const manager = this.manager as JetStreamManager;
    const info = await manager.streams.info(this.stream);
    const seen: BrokerMessageSeen[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
      const message = await manager.streams.getMessage(this.stream, { seq });
      if (!message) continue;
      const headers: Record<string, string> = {};
      for (const name of message.header.keys()) headers[name.toLowerCase()] = message.header.get(name);
      seen.push({ body: message.string(), headers, messageId: message.header.get('Nats-Msg-Id') });
    }
    return seen;
  }

  async count(): Promise<number> {
    return (await (this.manager as JetStreamManager).streams.info(this.stream)).state.messages;
  }

  /** Closes the connection and leaves the stream: a PrivateNatsServer's streams go with its store (remove()). */
  async disconnect(): Promise<void> {
    await this.connection?.close();
  }

  async close(): Promise<void> {
    if (!this.manager || !this.connection) return;
    try {
      await this.manager.streams.delete(this.stream);
    } finally {
      // A server stopped for good cannot delete it: its connection is closed all the same.
      await this.connection.close();
    }
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A nats-server with JetStream of this test's own (a broker to stop and start again), its store in a temp folder. */
export class PrivateNatsServer {
  private child: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'hookfleet-nats-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], { stdio: 'ignore' });
    await waitFor(async () => canConnect(this.port), { message: `private nats-server on ${this.port}` });
    return this;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A TCP proxy on 127.0.0.1 in front of a broker: cut() closes it and every connection through it (the broker
 * looks stopped to whoever connects through it; connections are refused), restore() listens again on the same port.
 * freeze() keeps every connection open and passes nothing more either way (a broker that stopped answering, or a
 * network that drops everything); cut() ends that too.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  async restore(): Promise<this> {
    this.frozen = false;
    const server = createServer((client) => {
      const upstream = netConnect(this.targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      for (const socket of pair) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      this.pairs.add(pair);
      client.on('close', () => {
        this.pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
      if (!this.frozen) client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  freeze(): void {
    this.frozen = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
