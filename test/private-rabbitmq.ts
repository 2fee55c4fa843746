import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect as amqpConnect } from 'amqplib';
import { freePort, uniqueName } from './brokers.js';
import { waitFor } from './wait.js';

const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const ERL_CALL = '/usr/lib/erlang/bin/erl_call';

/** rabbitmq.conf settings a test's node starts with, beside its own listener. */
export interface PrivateRabbitmqConfig {
  /** `max_message_size`: the broker closes the channel over a larger message. */
  maxMessageSize?: number;
  /** `vm_memory_high_watermark.absolute` in bytes: a tiny one raises the memory alarm at once (publishers blocked). */
  memoryHighWatermarkBytes?: number;
}

/**
 * A RabbitMQ node of a test's own, configured as the test needs (the machine's shared broker is never
 * reconfigured): its own ports, data, logs and Erlang cookie in a temp folder; killed and removed after.
 */
export class PrivateRabbitmq {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hookfleet-rabbitmq-'));
  private env: NodeJS.ProcessEnv = {};
  readonly nodeName = `${uniqueName('hookfleet')}@localhost`;
  port = 0;

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  async start(config: PrivateRabbitmqConfig = {}): Promise<this> {
    this.port = await freePort();
    const lines = [`listeners.tcp.default = 127.0.0.1:${this.port}`, 'loopback_users = none'];
    if (config.maxMessageSize !== undefined) lines.push(`max_message_size = ${config.maxMessageSize}`);
    if (config.memoryHighWatermarkBytes !== undefined) lines.push(`vm_memory_high_watermark.absolute = ${config.memoryHighWatermarkBytes}`);
    writeFileSync(join(this.dir, 'rabbitmq.conf'), `${lines.join('\n')}\n`);
    writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
    this.env = {
      PATH: process.env.PATH,
      // The Erlang cookie the server writes here is the one rpc (erl_call) reads to reach the node.
      HOME: this.dir,
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(await freePort()),
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_PID_FILE: join(this.dir, 'pid'),
    };
    this.child = spawn(RABBITMQ_SERVER, [], { stdio: 'ignore', detached: true, env: this.env });
    await waitFor(
      async () => {
        try {
          await (await amqpConnect(this.url)).close();
          return true;
        } catch {
          return false;
        }
      },
      { message: `private rabbitmq-server on ${this.port}`, timeoutMs: 60_000, intervalMs: 250 },
    );
    return this;
  }

  /**
   * Calls a function on this node (and no other), as `rabbitmqctl` would, through erl_call (erlang-base, a
   * dependency of rabbitmq-server): `rpc('vm_memory_monitor', 'set_vm_memory_high_watermark', '[0.9]')` does
   * what `rabbitmqctl set_vm_memory_high_watermark 0.9` does. rabbitmqctl boots an Erlang VM with the CLI's
   * applications: 3 s on an idle machine, 20-36 s on a busy 2-core one; erl_call answers within 0.2 s on both.
   */
  async rpc(module: string, fn: string, args: string): Promise<string> {
    const { stdout } = await promisify(execFile)(ERL_CALL, ['-sname', this.nodeName, '-a', `${module} ${fn} ${args}`], { env: this.env, timeout: 30_000 });
    return stdout.trim();
  }

  async remove(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Its own process group (detached): the Erlang VM and the helpers it started, nothing else.
      process.kill(-child.pid, 'SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
