import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { LOCK_FILE, lockDataDir } from './data-dir-lock.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Another process asking for the folder: its exit code and what it said. */
function lockFromAnotherProcess(dataDir: string): { status: number | null; stderr: string } {
  const script = `import { lockDataDir } from ${JSON.stringify(join(root, 'scripts/data-dir-lock.mjs'))};
try { lockDataDir(${JSON.stringify(dataDir)}, '.data').release(); } catch (error) { console.error(error.message); process.exit(1); }`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('one npm start a data folder (scripts/data-dir-lock.mjs)', () => {
  const folders: string[] = [];
  const dataDir = () => {
    const folder = mkdtempSync(join(tmpdir(), 'hookfleet-lock-'));
    folders.push(folder);
    return folder;
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('refuses a second holder while the first runs, naming it and what to do, and lets it in once released', () => {
    const folder = dataDir();
    const lock = lockDataDir(folder);
    const refused = lockFromAnotherProcess(folder);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `another npm start (pid ${process.pid}) is using .data: stop it first (Ctrl-C in its terminal), or give this one a data folder of its own (HOOKFLEET_DATA_DIR=…)`,
    );
    lock.release();
    expect(existsSync(join(folder, LOCK_FILE))).toBe(false);
    expect(lockFromAnotherProcess(folder).status).toBe(0);
  });

  it('takes over the lock of a start that died without releasing it', () => {
    const folder = dataDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(folder, LOCK_FILE), `${gone}\n`);
    const lock = lockDataDir(folder);
    expect(readFileSync(join(folder, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });
});
