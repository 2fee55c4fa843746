import type { Logger } from 'pino';

/**
 * After the last job of the process has finished, the BullMQ workers have this long to end their connections before
 * those are cut. A worker whose blocking connection was parked on a Redis Cluster master that failed over can wait for
 * that connection's end forever (taskforcesh/bullmq#4138, #4656): its `close()` never resolves, and a stop would hang
 * with no job left to wait for (apps/worker/test/failover.cluster.test.ts).
 */
export const CONNECTIONS_END_GRACE_MS = 5_000;

/** The jobs this process is running, so that a stop can tell when the last one has finished. */
export class RunningJobs {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** `processor`, counted while each of its calls runs. */
  track<Args extends unknown[], Result>(processor: (...args: Args) => Promise<Result>): (...args: Args) => Promise<Result> {
    return async (...args: Args) => {
      this.count += 1;
      try {
        return await processor(...args);
      } finally {
        this.count -= 1;
        if (this.count === 0) this.wakeWaiters();
      }
    };
  }

  get running(): number {
    return this.count;
  }

  /** Resolves once no job runs (at once when none does). */
  drained(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** What a stop needs of a BullMQ worker: its graceful close, and its raw connections to cut when that hangs. */
export interface ClosableWorker {
  readonly name: string;
  close(): Promise<void>;
  /** Cuts the worker's connections without waiting for their end. */
  disconnect(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Closes every worker gracefully (no new job is taken, running jobs finish), then, once no job runs any more, gives their
 * connections `graceMs` to end; the workers still closing after that get their connections cut, with a warning.
 */
export async function closeWorkers(workers: readonly ClosableWorker[], jobs: RunningJobs, logger: Logger, graceMs = CONNECTIONS_END_GRACE_MS): Promise<void> {
  const pending = new Set(workers);
  const closed = Promise.all(workers.map((worker) => worker.close().finally(() => pending.delete(worker))));
  await Promise.race([closed, jobs.drained().then(() => sleep(graceMs))]);
  if (pending.size === 0) return;
  logger.warn(
    { queues: [...pending].map((worker) => worker.name), grace_ms: graceMs },
    'workers did not end their connections after their last job; cutting them',
  );
  for (const worker of pending) worker.disconnect();
}

/**
 * Whether `closing` settled within `ms`. A stop closes what talks to Redis last and waits this long for it: with Redis
 * away, a connection's close waits for a reconnect that may never come, and a worker told to stop must still exit.
 */
export async function settledWithin(closing: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = closing.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}
