import { Queue } from 'bullmq';

/** Every BullMQ queue of a set such as HookfleetQueues, whatever queues it grows (lists of partitions included). */
export function queueList(queues: object): Queue[] {
  return Object.values(queues)
    .flatMap((value: unknown) => (Array.isArray(value) ? (value as unknown[]) : [value]))
    .filter((value): value is Queue => value instanceof Queue);
}

/** How long /readyz waits for each check's answer. */
export const READINESS_TIMEOUT_MS = 1000;

export interface Readiness {
  ok: boolean;
  redis: boolean;
  /** Redis took a write (a PING passes while Redis refuses writes, out of memory). */
  writable: boolean;
  /** Per queue name: its own connection answered a count within the timeout. */
  queues: Record<string, boolean>;
}

export interface ReadinessProbe {
  (): Promise<Readiness>;
}

function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * /readyz: Redis answers a PING on the store's connection and takes a write (`write`, when given), and every queue
 * answers a count on its own connection (so a process whose BullMQ connections are wedged is not ready even if the
 * store's is fine). A check still running is shared by the next callers, so a probe that hangs never piles up commands.
 */
export function createReadinessProbe(ping: () => Promise<string>, queues: readonly Queue[], timeoutMs = READINESS_TIMEOUT_MS, write: () => Promise<boolean> = async () => true): ReadinessProbe {
  let running: Promise<Readiness> | undefined;
  const check = async (): Promise<Readiness> => {
    const [pong, wrote, ...counts] = await Promise.all([
      withinTimeout(ping(), timeoutMs).catch(() => 'error'),
      withinTimeout(write(), timeoutMs).catch(() => false),
      ...queues.map((queue) => withinTimeout(queue.getJobCountByTypes('waiting'), timeoutMs).catch(() => 'error' as const)),
    ]);
    const redis = pong === 'PONG';
    const writable = wrote === true;
    const queueStates = Object.fromEntries(queues.map((queue, index) => [queue.name, typeof counts[index] === 'number']));
    return { ok: redis && writable && Object.values(queueStates).every(Boolean), redis, writable, queues: queueStates };
  };
  return () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };
}
