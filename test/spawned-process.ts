import { spawn, type ChildProcess } from 'node:child_process';
import type { HookfleetConfig } from '@hookfleet/core';

/** A built hookfleet process (the API or a worker) run apart from the test, as in production. */
export interface SpawnedProcess {
  child: ChildProcess;
  /** The port its listening line announced. */
  port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM and wait: the process drains. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the process dies mid-work. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  /** Names the process in the errors when it does not start: 'api', 'worker'. */
  name: string;
  /** The line it prints once it listens, with the port as the first group. */
  listeningLine: RegExp;
  /** Its own settings, then the test's: both over the fleet's. */
  env: Record<string, string>;
}

/**
 * Spawns `main` (a built dist/main.js; `npm test` builds first) on the fleet's Redis and prefix and waits for its
 * listening line; exiting, or not listening within 20 s, fails with what the process wrote.
 */
export async function spawnBuiltProcess(main: string, config: HookfleetConfig, { name, listeningLine, env }: SpawnOptions): Promise<SpawnedProcess> {
  const child = spawn(process.execPath, [main], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: config.redisUrl,
      ...(config.redisClusterNodes.length > 0 ? { REDIS_CLUSTER_NODES: config.redisClusterNodes.map((node) => `${node.host}:${node.port}`).join(',') } : {}),
      HOOKFLEET_QUEUE_PREFIX: config.prefix,
      RETRY_DELAY_SCALE: String(config.retryDelayScale),
      DELIVERY_TIMEOUT_MS: String(config.deliveryTimeoutMs),
      HOOKFLEET_ALLOW_PRIVATE_TARGETS: String(config.allowPrivateTargets),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 20_000);
    const onData = () => {
      const match = listeningLine.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}): ${output}`));
    });
  });
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    port,
    output: () => output,
    async stop() {
      const done = exited();
      child.kill('SIGTERM');
      await done;
    },
    async kill() {
      const done = exited();
      child.kill('SIGKILL');
      await done;
    },
  };
}
