import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { deleteKeys, testRedisTarget } from '../test/redis.js';
import { waitFor } from '../test/wait.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const START_TIMEOUT_MS = 90_000;

/** One `npm start` (scripts/start.mjs) on the test Redis, with its own data folder and queue prefix. */
class StartedFleet {
  output = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(dataDir: string, prefix: string, args: string[] = []) {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', METRICS_PORT: '0', HOOKFLEET_DATA_DIR: dataDir, HOOKFLEET_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
    delete env.HOOKFLEET_ADMIN_TOKEN;
    this.child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The banner, once everything is up. */
  async banner(): Promise<string> {
    const ended = this.exited.then((code) => {
      throw new Error(`npm start exited (${code}) before its banner:\n${this.output}`);
    });
    const shown = waitFor(() => (this.output.includes('Ctrl-C stops everything.') ? this.output : null), { timeoutMs: START_TIMEOUT_MS, intervalMs: 100 });
    return Promise.race([shown, ended]);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    await this.exited;
  }
}

function field(banner: string, pattern: RegExp): string {
  const match = pattern.exec(banner);
  if (!match?.[1]) throw new Error(`the banner has no ${pattern}:\n${banner}`);
  return match[1];
}

const adminTokenIn = (banner: string) => field(banner, /^ {2}admin token {2}(\S+)/m);

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookfleet-start-'));
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const started: StartedFleet[] = [];
  const start = (args: string[] = []) => {
    const fleet = new StartedFleet(dataDir, prefix, args);
    started.push(fleet);
    return fleet;
  };
  let firstToken = '';

  afterAll(async () => {
    await Promise.all(started.map((fleet) => fleet.stop()));
    await deleteKeys(testRedisTarget(), prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'with PORT=0 takes a free port, prints it with every URL and the export line, and its printed curl delivers a verified event',
    async () => {
      const fleet = start();
      const banner = await fleet.banner();
      const apiUrl = field(banner, /^ {2}API {10}(http:\/\/127\.0\.0\.1:\d+)/m);
      expect(apiUrl).not.toMatch(/:0$/);
      firstToken = adminTokenIn(banner);
      expect(banner).toContain(`  API docs     ${apiUrl}/docs`);
      expect(banner).toContain(`  queues       ${apiUrl}/admin/queues`);
      expect(banner).toMatch(new RegExp(`^  export HOOKFLEET_URL=${apiUrl} HOOKFLEET_TOKEN=${firstToken} TENANT=ten_\\w+$`, 'm'));
      const portalUrl = field(banner, /^ {2}portal {7}(\S+)/m);
      expect(portalUrl.startsWith(`${apiUrl}/portal`)).toBe(true);

      // Every URL it lists answers.
      expect((await fetch(`${apiUrl}/docs`)).status).toBe(200);
      expect((await fetch(portalUrl)).status).toBe(200);
      const basic = `Basic ${Buffer.from(`operator:${firstToken}`).toString('base64')}`;
      expect((await fetch(`${apiUrl}/admin/queues`, { headers: { authorization: basic } })).status).toBe(200);
      const tenant = field(banner, /A demo tenant \((ten_\w+)\)/);
      expect(field(banner, /TENANT=(ten_\w+)$/m)).toBe(tenant);
      const listed = await fetch(`${apiUrl}/v1/subscriptions?tenant=${tenant}`, { headers: { authorization: `Bearer ${firstToken}` } });
      expect(listed.status).toBe(200);

      // The curl exactly as printed (its lines joined by the shell's backslash-newlines).
      const curl = field(banner, /^( {2}curl [\s\S]*?)\n\n/m);
      const { stdout } = await run('sh', ['-c', curl]);
      const published = JSON.parse(stdout) as { id: string };
      expect(published.id).toEqual(expect.any(String));
      await waitFor(() => /\[demo-receiver\] delivery \S+ \(signature verified\): .*"inv_1"/.test(fleet.output), { message: 'the verified delivery', timeoutMs: 30_000 });
    },
    START_TIMEOUT_MS * 2,
  );

  it(
    'keeps the admin token in the data folder across restarts (owner-only), and replaces it only with --new-token',
    async () => {
      expect(firstToken).not.toBe('');
      await Promise.all(started.map((fleet) => fleet.stop()));
      const file = join(dataDir, 'admin-token');
      expect(readFileSync(file, 'utf8').trim()).toBe(firstToken);
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const again = start();
      const banner = await again.banner();
      expect(adminTokenIn(banner)).toBe(firstToken);
      expect(banner).toContain('--new-token');
      await again.stop();

      const renewed = start(['--new-token']);
      const newToken = adminTokenIn(await renewed.banner());
      expect(newToken).not.toBe(firstToken);
      expect(readFileSync(file, 'utf8').trim()).toBe(newToken);
      await renewed.stop();
    },
    START_TIMEOUT_MS * 3,
  );
});
