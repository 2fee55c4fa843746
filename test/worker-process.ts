import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HookfleetConfig } from '@hookfleet/core';

const WORKER_MAIN = fileURLToPath(new URL('../apps/worker/dist/main.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  metricsPort: number;
  output: () => string;
  /** SIGTERM and wait: the worker drains. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the worker dies mid-work. */
  kill(): Promise<void>;
}

/** A real worker process (the built apps/worker/dist/main.js; `npm test` builds first) on the fleet's Redis and prefix. */
export async function spawnWorker(config: HookfleetConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: config.redisUrl,
      ...(config.redisClusterNodes.length > 0 ? { REDIS_CLUSTER_NODES: config.redisClusterNodes.map((node) => `${node.host}:${node.port}`).join(',') } : {}),
      HOOKFLEET_QUEUE_PREFIX: config.prefix,
      METRICS_PORT: '0',
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
  const metricsPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output}`)), 20_000);
    const onData = () => {
      const match = /metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}): ${output}`));
    });
  });
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve())));
  return {
    child,
    metricsPort,
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
