import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, uniqueName } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';

/**
 * A nats-server with JetStream of this test's own that lets in only clients with its token (`--auth`), and one stream
 * on a subject of its own: the machine's shared NATS asks for no credentials, so it cannot tell a token from none.
 */
export class TokenNatsServer {
  readonly subject = `${uniqueName('portal-token')}.webhooks`;
  private readonly stream = uniqueName('portal-token-s');
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'hookfleet-portal-nats-'));
  private child: ChildProcess | undefined;
  private connection: NatsConnection | undefined;
  private manager: JetStreamManager | undefined;
  port = 0;

  constructor(readonly token: string) {}

  /** The address without credentials. */
  get address(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir, '--auth', this.token], { stdio: 'ignore' });
    this.connection = await waitFor(() => natsConnect({ servers: this.address, token: this.token }).catch(() => undefined), {
      message: `the token nats-server on ${this.port}`,
    });
    this.manager = await jetstreamManager(this.connection);
    await this.manager.streams.add({ name: this.stream, subjects: [this.subject] });
    return this;
  }

  async messageCount(): Promise<number> {
    return (await (this.manager as JetStreamManager).streams.info(this.stream)).state.messages;
  }

  async stop(): Promise<void> {
    await this.connection?.close();
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
