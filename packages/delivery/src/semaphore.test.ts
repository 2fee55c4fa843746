import { describe, expect, it } from '@jest/globals';
import { KeyedSemaphore, RETRY_HOLD_MAX_MS, Semaphore, type SlotPriority } from './semaphore.js';

/** Waiters queued on a full semaphore, in the order they were granted. */
function queue(semaphore: Semaphore, waiters: Array<[string, SlotPriority]>): string[] {
  const granted: string[] = [];
  for (const [name, priority] of waiters) void semaphore.acquire(priority).then((ok) => ok && granted.push(name));
  return granted;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('slots: first attempts before retries', () => {
  it('grants a free slot at once, whoever asks', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.acquire('retry')).resolves.toBe(true);
    expect(semaphore.inUse).toBe(1);
  });

  it('serves waiting first attempts before retries that waited longer, then the retries in order', async () => {
    const semaphore = new Semaphore(1);
    expect(semaphore.tryAcquire()).toBe(true);
    const granted = queue(semaphore, [
      ['retry a', 'retry'],
      ['first a', 'first'],
      ['retry b', 'retry'],
      ['first b', 'first'],
    ]);
    expect(semaphore.queued).toBe(4);
    for (let turn = 0; turn < 4; turn += 1) {
      semaphore.release();
      await settle();
    }
    expect(granted).toEqual(['first a', 'first b', 'retry a', 'retry b']);
  });

  it(`lets a retry held back ${RETRY_HOLD_MAX_MS} ms go ahead of first attempts: a retry is never starved`, async () => {
    let now = 0;
    const semaphore = new Semaphore(1, () => now);
    semaphore.tryAcquire();
    const granted = queue(semaphore, [
      ['retry', 'retry'],
      ['first a', 'first'],
      ['first b', 'first'],
    ]);
    semaphore.release();
    await settle();
    expect(granted).toEqual(['first a']);
    now = RETRY_HOLD_MAX_MS;
    semaphore.release();
    await settle();
    expect(granted).toEqual(['first a', 'retry']);
  });

  it('tells a retry job when no first attempt waits any more: at once when none does, else when the last is served', async () => {
    const semaphore = new Semaphore(1);
    let served = false;
    await semaphore.firstAttemptsServed();
    semaphore.tryAcquire();
    queue(semaphore, [
      ['first a', 'first'],
      ['first b', 'first'],
    ]);
    void semaphore.firstAttemptsServed().then(() => (served = true));
    semaphore.release();
    await settle();
    expect(served).toBe(false);
    semaphore.release();
    await settle();
    expect(served).toBe(true);
  });

  it('holds a retry job no longer than asked, even while first attempts keep waiting', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    queue(semaphore, [['first', 'first']]);
    const started = Date.now();
    await semaphore.firstAttemptsServed(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(semaphore.queued).toBe(1);
  });

  it('turns every waiter away, retries included', async () => {
    const slots = new KeyedSemaphore(1);
    slots.tryAcquire('o');
    const answers: boolean[] = [];
    void slots.acquire('o', 'retry').then((ok) => answers.push(ok));
    void slots.acquire('o', 'first').then((ok) => answers.push(ok));
    expect(slots.queuedFor('o')).toBe(2);
    expect(slots.turnAwayWaiters('o')).toBe(2);
    await settle();
    expect(answers).toEqual([false, false]);
    expect(slots.queuedFor('o')).toBe(0);
  });
});
