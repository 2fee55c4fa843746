import { describe, expect, it } from '@jest/globals';
import { KeyedSemaphore, RETRY_HOLD_MAX_MS, Semaphore, type SlotPriority } from './semaphore.js';

/** Waiters queued on a full semaphore, in the order they were granted. */
function queue(semaphore: Semaphore, waiters: Array<[string, SlotPriority]>): string[] {
  const granted: string[] = [];
  for (const [name, priority] of waiters) void semaphore.acquire(priority).then((ok) => ok && granted.push(name));
  return granted;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A slot given back, and what it lets happen run. */
async function releaseOne(semaphore: Semaphore): Promise<void> {
  semaphore.release();
  await settle();
}

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

describe('room for a part of first attempts', () => {
  /**
   * Parts that asked for room, each to start `attempts` first attempts: `entered` in the order they were let in,
   * `started(name)` once the test has queued what that part starts.
   */
  function parts(semaphore: Semaphore, names: string[], below: number, attempts = 1) {
    const entered: string[] = [];
    const starts = new Map<string, () => void>();
    for (const name of names)
      void semaphore.roomForFirstAttempts(below, attempts).then((started) => {
        entered.push(name);
        starts.set(name, started);
      });
    return { entered, started: (name: string) => starts.get(name)?.() };
  }

  it('lets a part in at once while fewer first attempts wait than the bound', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    queue(semaphore, [['a', 'first']]);
    const { entered } = parts(semaphore, ['part'], 2);
    await settle();
    expect(entered).toEqual(['part']);
  });

  it('holds parts while the queue is at the bound, then lets one in a release, in order', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    queue(semaphore, [
      ['a', 'first'],
      ['b', 'first'],
    ]);
    const { entered, started } = parts(semaphore, ['part 1', 'part 2', 'part 3'], 2, 2);
    await settle();
    expect(entered).toEqual([]);
    expect(semaphore.partsWaiting).toBe(3);
    await releaseOne(semaphore);
    expect(entered).toEqual(['part 1']);
    // The part let in queues its attempts: the queue is at the bound again, nobody else enters.
    queue(semaphore, [
      ['c', 'first'],
      ['d', 'first'],
    ]);
    started('part 1');
    await releaseOne(semaphore);
    expect(entered).toEqual(['part 1']);
    await releaseOne(semaphore);
    expect(entered).toEqual(['part 1', 'part 2']);
  });

  it('lets every part in once nothing is in use, queued or starting, and when the waiters are turned away', async () => {
    const idle = new Semaphore(1);
    idle.tryAcquire();
    queue(idle, [['a', 'first']]);
    const { entered: enteredIdle, started } = parts(idle, ['part 1', 'part 2'], 1);
    await releaseOne(idle);
    expect(enteredIdle).toEqual(['part 1']);
    await releaseOne(idle);
    expect(enteredIdle).toEqual(['part 1']);
    // Part 1 started nothing: nothing is in use or waiting, and part 2 comes in without a release.
    started('part 1');
    await settle();
    expect(enteredIdle).toEqual(['part 1', 'part 2']);

    const stalled = new Semaphore(1);
    stalled.tryAcquire();
    queue(stalled, [['a', 'first']]);
    const { entered: enteredStalled } = parts(stalled, ['part 1', 'part 2'], 1);
    expect(stalled.turnAwayWaiters()).toBe(1);
    await settle();
    expect(enteredStalled).toEqual(['part 1', 'part 2']);
  });

  it('counts the attempts of parts let in and not started yet: parts asking at once enter only up to the bound', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    const entered: string[] = [];
    const starts: Array<() => void> = [];
    for (const name of ['part 1', 'part 2', 'part 3'])
      void semaphore.roomForFirstAttempts(2, 1).then((started) => {
        entered.push(name);
        starts.push(started);
      });
    await settle();
    // Each part let in counts its one attempt: the third finds two waiting, though none is in the queue yet.
    expect(entered).toEqual(['part 1', 'part 2']);
    expect(semaphore.attemptsStarting).toBe(2);
    queue(semaphore, [
      ['a', 'first'],
      ['b', 'first'],
    ]);
    for (const started of starts) started();
    expect(semaphore.attemptsStarting).toBe(0);
    await settle();
    expect(entered).toEqual(['part 1', 'part 2']);
    await releaseOne(semaphore);
    expect(entered).toEqual(['part 1', 'part 2', 'part 3']);
  });

  it('lets the next part in when a part let in starts nothing (its endpoint turned it away)', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    const entered: string[] = [];
    for (const name of ['part 1', 'part 2'])
      void semaphore.roomForFirstAttempts(1, 4).then((started) => {
        entered.push(name);
        started();
      });
    await settle();
    expect(entered).toEqual(['part 1', 'part 2']);
  });

  it('counts the parts that ask at once for a key nobody uses yet', async () => {
    const slots = new KeyedSemaphore(1);
    const entered: string[] = [];
    const starts: Array<() => void> = [];
    for (const name of ['part 1', 'part 2'])
      void slots.roomForFirstAttempts('new', 1, 1).then((started) => {
        entered.push(name);
        starts.push(started);
      });
    await settle();
    expect(entered).toEqual(['part 1']);
    // Part 1 starts its attempt, which takes the free slot: nothing waits, so part 2 comes in.
    expect(slots.tryAcquire('new')).toBe(true);
    starts[0]?.();
    await settle();
    expect(entered).toEqual(['part 1', 'part 2']);
    starts[1]?.();
    slots.release('new');
    expect(slots.inUseFor('new')).toBe(0);
  });

  it('lets a part in at once for a key nobody uses, and for a busy key once its queue is below the bound', async () => {
    const slots = new KeyedSemaphore(1);
    const entered: string[] = [];
    void slots.roomForFirstAttempts('idle', 1, 0).then(() => entered.push('idle'));
    slots.tryAcquire('busy');
    void slots.acquire('busy');
    void slots.roomForFirstAttempts('busy', 1, 0).then(() => entered.push('busy'));
    await settle();
    expect(entered).toEqual(['idle']);
    slots.release('busy');
    await settle();
    expect(entered).toEqual(['idle', 'busy']);
    slots.release('busy');
    expect(slots.inUseFor('busy')).toBe(0);
  });
});

describe('parts waiting for room count as first attempts', () => {
  it('keeps a retry behind a part of first attempts that waits for room, and a retry job waiting until it is served', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    const granted = queue(semaphore, [
      ['first a', 'first'],
      ['retry', 'retry'],
    ]);
    let part: string[] = [];
    void semaphore.roomForFirstAttempts(1, 1).then((started) => {
      part = queue(semaphore, [['first b', 'first']]);
      started();
    });
    let retryJobsTurn = false;
    void semaphore.firstAttemptsServed().then(() => (retryJobsTurn = true));
    await releaseOne(semaphore);
    // first a got the slot; the part went in and queued first b, ahead of the retry; the retry job still waits.
    expect(granted).toEqual(['first a']);
    expect(retryJobsTurn).toBe(false);
    await releaseOne(semaphore);
    expect(part).toEqual(['first b']);
    expect(granted).toEqual(['first a']);
    expect(retryJobsTurn).toBe(true);
    await releaseOne(semaphore);
    expect(granted).toEqual(['first a', 'retry']);
  });

  it('leaves a slot freed while a part let in is starting to that part rather than to a waiting retry', async () => {
    const semaphore = new Semaphore(1);
    semaphore.tryAcquire();
    const granted = queue(semaphore, [['first a', 'first']]);
    let part: string[] = [];
    void semaphore.roomForFirstAttempts(1, 1).then((started) => {
      part = queue(semaphore, [['first c', 'first']]);
      started();
    });
    const retry = queue(semaphore, [['retry', 'retry']]);
    // first a's turn, and the part is let in; first a ends before the part has started its attempt.
    semaphore.release();
    semaphore.release();
    await settle();
    expect(granted).toEqual(['first a']);
    expect(part).toEqual(['first c']);
    expect(retry).toEqual([]);
    await releaseOne(semaphore);
    expect(retry).toEqual(['retry']);
  });
});
