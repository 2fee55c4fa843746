import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitFor } from '../test/wait.js';
import { LOCK_FILE } from './data-dir-lock.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 120_000;

/** `npm start` (scripts/start.mjs) with its own data folder; its output so far and how it ended. */
function npmStart(dataDir: string, env: NodeJS.ProcessEnv) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, HOOKFLEET_DATA_DIR: dataDir, PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'error', ...env };
  for (const name of ['REDIS_URL', 'REDIS_CLUSTER_NODES'] as const) if (!(name in env)) delete childEnv[name];
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = {
    child,
    stdout: '',
    stderr: '',
    exited,
    /** SIGTERM, so that a start that went on (the check under test missing) stops the processes it started. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  child.stdout.on('data', (chunk: Buffer) => (started.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (started.stderr += chunk.toString()));
  return started;
}

describe('npm start refuses, in one line, before it starts anything', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  const dataDir = () => {
    const folder = mkdtempSync(join(tmpdir(), 'hookfleet-start-refusal-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    return folder;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(
    'a data folder another npm start is using (scripts/data-dir-lock.mjs)',
    async () => {
      const folder = dataDir();
      // This test's own process plays the npm start that holds the folder.
      writeFileSync(join(folder, LOCK_FILE), `${process.pid}\n`);
      const start = npmStart(folder, { REDIS_URL: 'redis://127.0.0.1:1' });
      cleanups.push(() => start.stop());
      expect(await start.exited).toBe(1);
      expect(start.stderr.trim()).toBe(
        `hookfleet: another npm start (pid ${process.pid}) is using ${folder}: stop it first (Ctrl-C in its terminal), or give this one a data folder of its own (HOOKFLEET_DATA_DIR=…)`,
      );
      expect(start.stdout).not.toContain('listening on');
      expect(readFileSync(join(folder, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    },
    START_TIMEOUT_MS,
  );

  it(
    'a REDIS_URL that does not answer (rather than waiting for it forever)',
    async () => {
      // A port that takes connections and never answers, like a Redis that hangs: the worst case.
      const sockets = new Set<Socket>();
      const silent: Server = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            silent.close(() => resolve());
          }),
      );
      const { port } = silent.address() as { port: number };
      const folder = dataDir();
      const start = npmStart(folder, { REDIS_URL: `redis://:s3cret@127.0.0.1:${port}` });
      cleanups.push(() => start.stop());
      expect(await start.exited).toBe(1);
      expect(start.stderr.trim()).toBe(
        `hookfleet: Redis at redis://:***@127.0.0.1:${port} (REDIS_URL) does not answer: no answer within 3 s. Start it, correct REDIS_URL, or unset it and npm start runs a Redis of its own.`,
      );
      expect(start.stdout).not.toContain('listening on');
    },
    START_TIMEOUT_MS,
  );
});

/**
 * A Redis that answers only what a connection and a PING take (CLIENT SETINFO, INFO, PING) and nothing else: npm
 * start's check passes, then every process waits for its first real command, so the start hangs before its banner.
 */
async function stallingRedis(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      for (const [command] of chunk.toString().matchAll(/(?<=\r\n)(CLIENT|INFO|PING)(?=\r\n)/gi)) {
        const info = 'redis_version:7.0.0\r\nloading:0\r\n';
        socket.write({ CLIENT: '+OK\r\n', PING: '+PONG\r\n', INFO: `$${info.length}\r\n${info}\r\n` }[command.toUpperCase()] as string);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The processes `pid` started itself, running now. */
function childrenOf(pid: number): number[] {
  const listed = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return listed.split('\n').filter(Boolean).map(Number);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start stopped before its banner', () => {
  it(
    'stops the API and the worker it had started (SIGTERM while they wait for a Redis that stalls)',
    async () => {
      const redis = await stallingRedis();
      const folder = mkdtempSync(join(tmpdir(), 'hookfleet-start-stopped-'));
      const start = npmStart(folder, { REDIS_URL: redis.url });
      let children: number[] = [];
      try {
        children = await waitFor(
          () => {
            if (start.child.exitCode !== null) throw new Error(`npm start exited (${start.child.exitCode}):\n${start.stderr}`);
            const started = childrenOf(start.child.pid as number);
            return started.length >= 2 ? started : null;
          },
          {
            timeoutMs: START_TIMEOUT_MS,
            intervalMs: 100,
            message: 'the API and the worker started',
          },
        );
        start.child.kill('SIGTERM');
        expect(await start.exited).toBe(0);
        expect(start.stdout).not.toContain('hookfleet is running');
        expect(children.filter(running)).toEqual([]);
      } finally {
        start.child.kill('SIGKILL');
        for (const pid of children.filter(running)) process.kill(pid, 'SIGKILL');
        await redis.close();
        rmSync(folder, { recursive: true, force: true });
      }
    },
    START_TIMEOUT_MS * 2,
  );
});
