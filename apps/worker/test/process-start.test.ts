import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@hookfleet/core';
import { Redis } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { waitFor } from '../../../test/wait.js';

const WORKER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const METRICS_LINE = /^metrics on http:\/\/127\.0\.0\.1:(\d+)$[\s\S]*^bound to 0\.0\.0\.0: every IPv4 interface$/m;

/** What an operator sees of a start: one line, or a stack trace (`    at …` frames). */
const hasStackTrace = (output: string) => /^\s+at /m.test(output);

/** The built worker on an environment of the test's own (no fleet), its output kept. */
function startWorkerMain(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { PATH: process.env.PATH, METRICS_PORT: '0', LOG_LEVEL: 'warn', HOOKFLEET_QUEUE_PREFIX: 'tprocstart', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/**
 * A free port below Linux's ephemeral range (32768 up), for a Redis that starts after the worker looks for it. A port
 * from freePort() is ephemeral: until Redis listens on it, any outgoing connection on this busy machine may take it as
 * its own end (the worker's retries too, connecting to themselves), and Redis could not bind it.
 */
async function portForLater(): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below 32000');
}

async function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

describe('the worker process at start', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each([
    ['DELIVERY_CONCURRENCY', 'abc'],
    ['METRICS_PORT', '-1'],
    ['WORKER_ROLES', 'cook'],
    ['HOOKFLEET_ADMIN_UI_ALLOW_RETRIES', 'sometimes'],
    ['REDIS_URL', 'redis-host'],
  ])('a bad %s (%s) ends it with one line naming the variable and exit code 1', async (variable, value) => {
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '' });
    const failure = await spawnWorker(config, { [variable]: value }).then(
      async (worker) => {
        await worker.kill();
        return 'it started';
      },
      (error: Error) => error.message,
    );
    // spawnBuiltProcess's message: `worker exited (<code>): <everything it wrote>`; a list's path names its item.
    expect(failure).toMatch(new RegExp(`^worker exited \\(1\\): hookfleet worker: invalid environment: ${variable}(\\.\\d+)?: [^\\n]+\\n$`));
  });

  it('says where its metrics are bound, and that is every interface, not only 127.0.0.1', async () => {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const worker: WorkerProcess = await spawnWorker(loadConfig({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', HOOKFLEET_QUEUE_PREFIX: 'tprocstart' }));
    cleanups.push(() => worker.stop());
    await waitFor(() => METRICS_LINE.test(worker.output()), { message: 'the metrics and bound lines' });
    // All of 127.0.0.0/8 is this machine's loopback; a server bound to 127.0.0.1 alone would refuse 127.0.0.2.
    const answer = await fetch(`http://127.0.0.2:${worker.metricsPort}/healthz`);
    expect(answer.status).toBe(200);
  });

  it('started before its Redis, it waits with one line saying so, then starts once Redis answers', async () => {
    const port = await portForLater();
    const worker = startWorkerMain({ REDIS_URL: `redis://:secret@127.0.0.1:${port}` });
    cleanups.push(() => stopped(worker.child, 'SIGKILL'));
    await waitFor(() => worker.output().includes(`waiting for Redis at 127.0.0.1:${port} (REDIS_URL): the worker starts once it answers`), {
      message: 'the waiting line',
    });
    expect(worker.child.exitCode).toBeNull();
    const redis = await startRedisServer({ port, extraArgs: ['--requirepass', 'secret'] });
    cleanups.push(() => redis.stop());
    await waitFor(() => METRICS_LINE.test(worker.output()), { message: 'the metrics line once Redis is up' });
    expect(await stopped(worker.child, 'SIGTERM')).toBe(0);
    expect(worker.output()).not.toContain('secret');
    expect(hasStackTrace(worker.output())).toBe(false);
  }, 60_000);

  it('started before its Redis Cluster, it waits the same way instead of crashing, then starts once the cluster is up', async () => {
    const [port, busPort] = [await portForLater(), await portForLater()];
    const worker = startWorkerMain({ REDIS_CLUSTER_NODES: `127.0.0.1:${port}` });
    cleanups.push(() => stopped(worker.child, 'SIGKILL'));
    await waitFor(
      () =>
        worker.output().includes(`waiting for the Redis Cluster at 127.0.0.1:${port} (REDIS_CLUSTER_NODES): the worker starts once it answers`) ||
        worker.child.exitCode !== null,
      { message: 'the waiting line' },
    );
    expect(worker.child.exitCode).toBeNull();
    // A cluster of one master holding every slot: enough for the worker to find its nodes.
    const node = await startRedisServer({
      port,
      extraArgs: [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--cluster-port',
        String(busPort),
        // A node that never met another knows no address of its own to answer CLUSTER SLOTS with.
        '--cluster-announce-ip',
        '127.0.0.1',
      ],
    });
    cleanups.push(() => node.stop());
    const admin = new Redis({ host: '127.0.0.1', port });
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await waitFor(async () => String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), { message: 'cluster_state:ok' });
    } finally {
      admin.disconnect();
    }
    await waitFor(() => METRICS_LINE.test(worker.output()), { message: 'the metrics line once the cluster is up' });
    expect(await stopped(worker.child, 'SIGTERM')).toBe(0);
    expect(hasStackTrace(worker.output())).toBe(false);
  }, 60_000);
});
