import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { closeWorkers, RunningJobs, type ClosableWorker } from './worker-shutdown.js';

const silent = pino({ level: 'silent' });

/** A worker whose close ends when `end` is called, and that records a cut. */
function fakeWorker(name: string) {
  let end: () => void = () => undefined;
  const closing = new Promise<void>((resolve) => (end = resolve));
  const state = { cut: false, closeCalled: false };
  const worker: ClosableWorker = {
    name,
    close: () => {
      state.closeCalled = true;
      return closing;
    },
    disconnect: () => {
      state.cut = true;
      end();
    },
  };
  return { worker, state, end: () => end() };
}

describe('RunningJobs', () => {
  it('counts the calls of a tracked processor while they run, and tells when the last one ends', async () => {
    const jobs = new RunningJobs();
    const release: Array<() => void> = [];
    const processor = jobs.track((value: number) => new Promise<number>((resolve) => release.push(() => resolve(value * 2))));
    await jobs.drained();
    const results = [processor(1), processor(2)];
    expect(jobs.running).toBe(2);
    let drained = false;
    void jobs.drained().then(() => (drained = true));
    release[0]?.();
    await results[0];
    expect(drained).toBe(false);
    release[1]?.();
    await expect(Promise.all(results)).resolves.toEqual([2, 4]);
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(jobs.running).toBe(0);
  });

  it('counts a job that fails as ended', async () => {
    const jobs = new RunningJobs();
    const failing = jobs.track(async () => {
      throw new Error('boom');
    });
    await expect(failing()).rejects.toThrow('boom');
    expect(jobs.running).toBe(0);
  });
});

describe('closeWorkers', () => {
  it('waits for a running job however long it takes, and cuts nothing when every close ends', async () => {
    const jobs = new RunningJobs();
    let finishJob: () => void = () => undefined;
    const job = jobs.track(() => new Promise<void>((resolve) => (finishJob = resolve)));
    const running = job();
    const a = fakeWorker('a');
    let stopped = false;
    const stop = closeWorkers([a.worker], jobs, silent, 10).then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Far past the grace: the job still runs, so nothing is cut.
    expect(stopped).toBe(false);
    expect(a.state.cut).toBe(false);
    finishJob();
    await running;
    a.end();
    await stop;
    expect(a.state.cut).toBe(false);
  });

  it('cuts the connections of a worker whose close still hangs once the last job has ended and the grace has passed', async () => {
    const jobs = new RunningJobs();
    const closes = fakeWorker('closes');
    const hangs = fakeWorker('hangs');
    closes.end();
    const started = Date.now();
    await closeWorkers([closes.worker, hangs.worker], jobs, silent, 30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(closes.state.closeCalled && hangs.state.closeCalled).toBe(true);
    expect(closes.state.cut).toBe(false);
    expect(hangs.state.cut).toBe(true);
  });
});
