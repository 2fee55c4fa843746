// A private redis-server on a free port: used by `npm start`, `npm test`, the benchmark and the chaos tests.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_MISSING =
  'redis-server is not on PATH and REDIS_URL is not set: install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`) or set REDIS_URL.';

export function redisServerAvailable() {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * @param {{ appendOnly?: boolean, dir?: string, port?: number, extraArgs?: string[] }} [options]
 * @returns {Promise<{ url: string, port: number, dir: string, process: import('node:child_process').ChildProcess, stop(): Promise<void>, kill(signal?: NodeJS.Signals): Promise<void> }>}
 */
export async function startRedisServer(options = {}) {
  if (!redisServerAvailable()) throw new Error(REDIS_MISSING);
  // A free port may be taken between the check and the bind, and a cluster node also binds its bus at port + 10000,
  // which freePort never looked at: a port of our choosing that fails to bind is replaced, a few times.
  for (let tries = 1; ; tries += 1) {
    try {
      return await startOnPort(options, options.port ?? (await freePort()));
    } catch (error) {
      if (options.port !== undefined || tries >= 5 || !/Address already in use/.test(String(error))) throw error;
    }
  }
}

/** @param {{ appendOnly?: boolean, dir?: string, extraArgs?: string[] }} options @param {number} port */
async function startOnPort(options, port) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hookfleet-redis-'));
  mkdirSync(dir, { recursive: true });
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', options.appendOnly ? 'yes' : 'no'];
  if (options.appendOnly) args.push('--appendfsync', 'everysec');
  args.push(...(options.extraArgs ?? []));
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = new Promise((resolve, reject) => {
    let output = '';
    const onExit = (code) => reject(new Error(`redis-server exited (${code}): ${output}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.off('exit', onExit);
        resolve(undefined);
      }
    });
  });
  await started.catch((error) => {
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  child.stdout.resume();
  child.stderr.resume();
  const waitExit = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    process: child,
    async kill(signal = 'SIGKILL') {
      const exited = waitExit();
      child.kill(signal);
      await exited;
    },
    async stop() {
      const exited = waitExit();
      child.kill('SIGTERM');
      await exited;
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
