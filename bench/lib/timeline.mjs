// `--timeline`: how a drive goes over time, a line per quarter second — deliveries arriving at the receiver, the
// machine's idle share, and how much of the time the worker's main thread ran and how much it waited for a core
// (runnable, but every core busy with something else). It showed that a fan-out 1 drive has two phases: while events
// are accepted every core is busy and the worker's main thread waits for a core about half the time, so few
// deliveries go out; once they are all accepted the main thread runs all the time while the machine has 15–30 % idle
// (bench/README.md, "The round on a send thread").
import { readFileSync } from 'node:fs';

export const TIMELINE_INTERVAL_MS = 250;

/** A thread's CPU time and its time waiting on a run queue, in ns (/proc/<pid>/task/<tid>/schedstat); null once gone. */
export function readSchedstat(pid, tid = pid) {
  try {
    const [runNs, waitNs] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runNs, waitNs };
  } catch {
    return null;
  }
}

/** The machine's idle and total CPU time so far, in clock ticks (/proc/stat's first line). */
export function readCpuTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
}

/**
 * One interval from two readings: the idle share, and the main thread's run and run-queue shares, in %. The shares
 * are of the time that really passed between the readings (`atMs`): on a busy machine a timer fires late, and a share
 * of the nominal interval would read over 100 %.
 */
export function intervalSample(before, after) {
  const ticks = after.cpu.total - before.cpu.total;
  const elapsedMs = after.atMs - before.atMs;
  const share = (ns) => (elapsedMs > 0 ? Math.round(ns / (elapsedMs * 1e4)) : null);
  return {
    idlePercent: ticks > 0 ? Math.round((100 * (after.cpu.idle - before.cpu.idle)) / ticks) : null,
    mainRunPercent: before.main && after.main ? share(after.main.runNs - before.main.runNs) : null,
    mainWaitPercent: before.main && after.main ? share(after.main.waitNs - before.main.waitNs) : null,
  };
}

/** Samples the machine and the worker's main thread every interval until stopped; `stop()` returns the samples. */
export function startTimeline(workerPid, intervalMs = TIMELINE_INTERVAL_MS) {
  const read = () => ({ atMs: performance.now(), cpu: readCpuTicks(), main: workerPid ? readSchedstat(workerPid) : null });
  const samples = [];
  let last = read();
  const timer = setInterval(() => {
    const now = read();
    samples.push(intervalSample(last, now));
    last = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

/** Arrivals per interval from the drive's start (receiver times in ms since the epoch, as `startedAt`). */
export function arrivalsPerInterval(times, startedAt, intervalMs = TIMELINE_INTERVAL_MS) {
  const counts = [];
  for (const time of times) {
    const index = Math.max(0, Math.floor((time - startedAt) / intervalMs));
    while (counts.length <= index) counts.push(0);
    counts[index] += 1;
  }
  return counts;
}

/** The timeline as lines for the run's log, one row per interval; `label`: whose drive (hookfleet, b1, b2). */
export function timelineLines({ label, samples, arrivals, handedInAfterMs, intervalMs = TIMELINE_INTERVAL_MS }) {
  const rows = Math.max(samples.length, arrivals.length);
  const show = (value) => (value === null || value === undefined ? '–' : String(value));
  const lines = [
    `    ${label} timeline (every ${intervalMs} ms; all work handed in after ${(handedInAfterMs / 1000).toFixed(2)} s): s, deliveries, idle %, worker main thread run % / waiting for a core %`,
  ];
  for (let row = 0; row < rows; row += 1) {
    const sample = samples[row];
    lines.push(
      `      ${((row * intervalMs) / 1000).toFixed(2).padStart(6)}  ${show(arrivals[row] ?? 0).padStart(6)}  ${show(sample?.idlePercent).padStart(4)}  ${show(sample?.mainRunPercent).padStart(4)} / ${show(sample?.mainWaitPercent)}`,
    );
  }
  return lines;
}
