// One `npm start` a data folder: a second one would start a second redis-server appending to the same AOF files
// (.data/redis), and point the demo subscription at its own receiver. The lock is a file naming the holder's pid;
// one whose process is gone (a start that was SIGKILLed) is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'npm-start.pid';

/** Whether a process with this id runs (EPERM: it does, as another user). */
function running(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process, or throws an Error whose message says who holds it and what to do.
 * @param {string} dataDir
 * @param {string} [shownDataDir] the folder as messages name it (`.data`)
 * @returns {{ file: string, release(): void }}
 */
export function lockDataDir(dataDir, shownDataDir = dataDir) {
  const file = join(dataDir, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    } catch (error) {
      if (error.code === 'ENOENT') continue; // released meanwhile
      throw error;
    }
    if (Number.isInteger(holder) && holder > 0 && running(holder)) {
      throw new Error(
        `another npm start (pid ${holder}) is using ${shownDataDir}: stop it first (Ctrl-C in its terminal), or give this one a data folder of its own (HOOKFLEET_DATA_DIR=…)`,
      );
    }
    rmSync(file, { force: true });
  }
  return {
    file,
    release() {
      try {
        if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) rmSync(file, { force: true });
      } catch {
        // gone already
      }
    },
  };
}
