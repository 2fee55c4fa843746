import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HookfleetConfig } from '@hookfleet/core';
import { ADMIN_TOKEN } from './fleet.js';

const API_MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));

export interface ApiProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** SIGTERM and wait: the API drains. */
  stop(): Promise<void>;
  /** SIGKILL and wait: the API dies mid-request. */
  kill(): Promise<void>;
}

/** A real API process (the built apps/api/dist/main.js; `npm test` builds first) on the fleet's Redis and prefix, PORT=0. */
export async function spawnApi(config: HookfleetConfig, env: Record<string, string> = {}): Promise<ApiProcess> {
  const child = spawn(process.execPath, [API_MAIN], {
    env: {
      PATH: process.env.PATH,
      REDIS_URL: config.redisUrl,
      ...(config.redisClusterNodes.length > 0 ? { REDIS_CLUSTER_NODES: config.redisClusterNodes.map((node) => `${node.host}:${node.port}`).join(',') } : {}),
      HOOKFLEET_QUEUE_PREFIX: config.prefix,
      HOOKFLEET_ADMIN_TOKEN: config.adminToken ?? ADMIN_TOKEN,
      PORT: '0',
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
    const timer = setTimeout(() => reject(new Error(`api did not start: ${output}`)), 20_000);
    const onData = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`api exited (${code}): ${output}`));
    });
  });
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve())));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
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
