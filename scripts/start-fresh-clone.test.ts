import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { REDIS_MISSING } from './redis-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/**
 * A fresh clone has no `dist/` folders: `npm start` must get as far as its help, the missing-Redis line and its own
 * build without importing anything built. The copy holds scripts/ and the dependencies, and no apps/ at all.
 */
describe('npm start in a fresh clone (nothing built yet)', () => {
  const clone = mkdtempSync(join(tmpdir(), 'hookfleet-fresh-'));
  cpSync(join(root, 'scripts'), join(clone, 'scripts'), { recursive: true, filter: (path) => !path.endsWith('.ts') });
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  const start = (args: string[], env: NodeJS.ProcessEnv) =>
    run(process.execPath, [join(clone, 'scripts/start.mjs'), ...args], { cwd: clone, env, timeout: 30_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('prints its help', async () => {
    const help = await start(['--help'], process.env);
    expect(help.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND/);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--new-token/);
  });

  it('says in one line how to install Redis when there is none', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: join(clone, 'no-such-bin') };
    delete env.REDIS_URL;
    delete env.REDIS_CLUSTER_NODES;
    const missing = await start([], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(REDIS_MISSING);
  });
});
