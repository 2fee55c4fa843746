// The processes a run starts (receiver, baseline workers, API, hookfleet workers): each one registered so
// that every exit path — the end of a run, an error, Ctrl-C — stops all of them.
import { fork, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, logFile: string | null }} Managed */

export class ProcessGroup {
  /** @type {Set<Managed>} */
  members = new Set();

  /**
   * A node process whose stdout and stderr go to a log file (the runner reads it for the "listening on" line).
   * @param {string} name
   * @param {string} script
   * @param {{ env?: NodeJS.ProcessEnv, nodeArgs?: string[], logFile: string }} options
   */
  spawnLogged(name, script, options) {
    const fd = openSync(options.logFile, 'w');
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], { env: options.env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const member = { name, child, logFile: options.logFile };
    this.track(member);
    return member;
  }

  /**
   * A node process with an IPC channel (receiver, baseline workers); resolves once it sends { ready: true }.
   * @returns {Promise<Managed & { ready: object }>}
   */
  async forkReady(name, script, options = {}) {
    const child = fork(script, [], { env: options.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const member = { name, child, logFile: null };
    this.track(member);
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not get ready within 20 s`)), 20_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (${signal ?? code})`));
      });
      child.on('message', function onMessage(message) {
        if (message && message.ready) {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message);
        }
      });
    });
    return { ...member, ready };
  }

  track(member) {
    this.members.add(member);
    member.child.once('exit', () => this.members.delete(member));
  }

  /** SIGTERM (the processes drain), then SIGKILL after the grace period. */
  async stop(member, graceMs = 10_000) {
    const { child } = member;
    if (child.exitCode !== null || child.signalCode !== null) {
      this.members.delete(member);
      return;
    }
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    this.members.delete(member);
  }

  async stopAll(graceMs = 10_000) {
    await Promise.all([...this.members].map((member) => this.stop(member, graceMs)));
  }

  /** Last resort on exit: no waiting possible, so SIGKILL whatever is left. */
  killAllNow() {
    for (const { child } of this.members) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Waits until the log file holds a line matching the pattern; returns the match.
 * @param {Managed} member
 * @param {RegExp} pattern
 */
export async function waitForLogLine(member, pattern, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = member.logFile ? readFileSync(member.logFile, 'utf8') : '';
    const match = pattern.exec(text);
    if (match) return match;
    if (member.child.exitCode !== null || member.child.signalCode !== null) {
      throw new Error(`${member.name} exited (${member.child.signalCode ?? member.child.exitCode}) before printing ${pattern}:\n${text.slice(-2000)}`);
    }
    if (Date.now() > deadline) throw new Error(`${member.name} did not print ${pattern} within ${timeoutMs} ms:\n${text.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resident set size of a process in MB (Linux /proc), or null when it is gone. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc), or null. */
export function cpuSeconds(pid) {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a process's background threads alone: all its threads less the main one (whose thread id is the
 * process id). In a Node process those are V8's helpers (parallel and concurrent garbage collection, optimizing
 * compilation) and libuv's pool: work that runs beside JavaScript, on another core when there is one.
 */
export function backgroundCpuSeconds(pid) {
  const all = cpuSeconds(pid);
  const main = statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
  return all === null || main === null ? null : all - main;
}

/**
 * How many times a process's main thread has gone to sleep so far (Linux /proc: its voluntary context switches), or
 * null. A Node process's main thread sleeps when its event loop has nothing ready, so the count a delivery says how
 * little work each wakeup finds: on a machine with fewer cores than processes, each wakeup after another process ran
 * starts with cold caches (bench/README.md, the twenty-first round).
 */
export function mainThreadSleeps(pid) {
  try {
    return voluntarySwitchesOf(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

/** `voluntary_ctxt_switches` of a /proc status text (not the `nonvoluntary_` line), or null. */
export function voluntarySwitchesOf(statusText) {
  const match = /^voluntary_ctxt_switches:\s+(\d+)$/m.exec(statusText);
  return match ? Number(match[1]) : null;
}

function statCpuSeconds(path) {
  try {
    const stat = readFileSync(path, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of /proc/pid/stat (utime, stime), counted from after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Samples the peak RSS of some processes until stopped. */
export function sampleRss(pids, intervalMs = 100) {
  let peak = 0;
  const take = () => {
    for (const pid of pids) peak = Math.max(peak, rssMb(pid) ?? 0);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak || null;
    },
  };
}
