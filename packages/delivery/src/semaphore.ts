import { WaitQueue } from './wait-queue.js';

/** A waiter is told whether it got a slot (true) or was turned away (false). */
type Waiter = (granted: boolean) => void;

/**
 * Who is waiting for a slot. An endpoint whose slots are all taken serves first attempts before retries: a retry's due
 * time is the earliest it may go, while a first attempt's delay is the one every receiver sees, and on a busy worker
 * the retries of a few failures would otherwise take CPU and slots from the healthy traffic behind them
 * (docs/delivery.md, "First attempts before retries").
 */
export type SlotPriority = 'first' | 'retry';

/** A retry waits behind first attempts at most this long, then takes its turn in order with them: never starved. */
export const RETRY_HOLD_MAX_MS = 10_000;

interface HeldRetry {
  waiter: Waiter;
  /** performance.now() when it began to wait. */
  since: number;
}

/**
 * A counting semaphore with two FIFO wait lists: first attempts, then retries (each retry at most RETRY_HOLD_MAX_MS
 * behind). Waiters hold no timer each (thousands can wait behind one endpoint): whoever knows that waiting is pointless
 * turns them all away at once with `turnAwayWaiters`.
 */
export class Semaphore {
  private available: number;
  private readonly waiting = new WaitQueue<Waiter>();
  private readonly retries = new WaitQueue<HeldRetry>();
  /** Callers of firstAttemptsServed, told when no first attempt waits any more. */
  private turns: Array<() => void> = [];
  /** Callers of roomForFirstAttempts, let in one a release while fewer than their bound wait. */
  private readonly rooms = new WaitQueue<{ below: number; enter: () => void }>();
  /** First attempts of parts let in by roomForFirstAttempts that have not started them yet. */
  private reserved = 0;

  constructor(
    readonly capacity: number,
    /** The clock a retry's hold is measured by (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.available = capacity;
  }

  /** Takes a slot at once when one is free (no promise, no microtask): the common case on the hot path. */
  tryAcquire(): boolean {
    if (this.available <= 0) return false;
    this.available -= 1;
    return true;
  }

  /**
   * Resolves true with a slot held, or false (no slot held) when the waiters are turned away. Not an async function:
   * behind a busy endpoint most deliveries wait here, and the async wrapper was one more promise and tick each.
   */
  acquire(priority: SlotPriority = 'first'): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    if (priority === 'retry') return new Promise<boolean>((resolve) => this.retries.push({ waiter: resolve, since: this.now() }));
    return new Promise<boolean>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.nextWaiter();
    if (next) next(true);
    else this.available += 1;
    // Parts waiting for room are first attempts too: a retry job's turn comes when neither they nor any attempt wait.
    if (this.turns.length > 0 && this.noFirstAttemptsWaiting) this.endTurns();
    if (this.rooms.length > 0) this.admitRooms();
  }

  /**
   * Resolves once fewer than `below` first attempts wait here (at once when that is so already), with the part's
   * `attempts` counted as waiting from then on until the part calls the function it got: once it has started them
   * (they are in the queue, or in flight). A part of first attempts waits here whole before it starts them: behind a
   * busy endpoint a worker then holds one promise per part, not a few per delivery half-started in the slot queue,
   * which outlived young collections (bench/README.md). Counting the attempts of parts let in but not yet started
   * keeps the bound when many parts ask at once (every group job of a burst, whose parts would all find the queue
   * still empty).
   */
  roomForFirstAttempts(below: number, attempts: number): Promise<() => void> {
    if (this.firstAttemptsWaiting < below) return Promise.resolve(this.reserve(attempts));
    return new Promise<() => void>((enter) => this.rooms.push({ below, enter: () => enter(this.reserve(attempts)) }));
  }

  /** Counts a part's attempts as waiting; the function it returns stops counting them (once; later calls do nothing). */
  private reserve(attempts: number): () => void {
    this.reserved += attempts;
    let started = false;
    return () => {
      if (started) return;
      started = true;
      this.reserved -= attempts;
      // A part that queued nothing (its endpoint turned it away) must not leave the others waiting for a release.
      if (this.rooms.length > 0) this.admitRooms();
      if (this.turns.length > 0 && this.noFirstAttemptsWaiting) this.endTurns();
    };
  }

  /** First attempts in the queue, and those of parts let in that have not started them yet. */
  private get firstAttemptsWaiting(): number {
    return this.waiting.length + this.reserved;
  }

  /** No first attempt waits: none in the queue, none of a part let in and not started, no part waiting for room. */
  private get noFirstAttemptsWaiting(): boolean {
    return this.firstAttemptsWaiting === 0 && this.rooms.length === 0;
  }

  /**
   * One waiting part a release: the part it lets in fills the queue again before the next. All of them once nothing is
   * in use, queued or about to be (an admitted part that sent nothing must not leave the others waiting for a release
   * that never comes).
   */
  private admitRooms(): void {
    if (this.available === this.capacity && this.firstAttemptsWaiting === 0) {
      for (let room = this.rooms.shift(); room; room = this.rooms.shift()) room.enter();
      return;
    }
    const room = this.rooms.peek();
    if (room && this.firstAttemptsWaiting < room.below) this.rooms.shift()?.enter();
  }

  /**
   * Resolves once no first attempt waits here, at once when none does, and after `maxWaitMs` at the latest: a retry
   * job calls it before it reads and loads anything, so that on a busy endpoint its work waits whole, not each of its
   * deliveries half-prepared in the slot queue.
   */
  firstAttemptsServed(maxWaitMs: number = RETRY_HOLD_MAX_MS): Promise<void> {
    if (this.noFirstAttemptsWaiting) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, maxWaitMs);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.turns.push(done);
    });
  }

  private endTurns(): void {
    const turns = this.turns;
    this.turns = [];
    for (const done of turns) done();
  }

  /**
   * A first attempt's turn, unless none waits (in the queue or in a part waiting for room) or the oldest retry has been
   * held back long enough. With only parts waiting, the slot stays free for the part let in next (admitRooms).
   */
  private nextWaiter(): Waiter | undefined {
    const retry = this.retries.peek();
    if (retry && (this.noFirstAttemptsWaiting || this.now() - retry.since >= RETRY_HOLD_MAX_MS)) return this.retries.shift()?.waiter;
    return this.waiting.shift();
  }

  /** Every current waiter gets false and no slot; returns how many there were. */
  turnAwayWaiters(): number {
    let count = 0;
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      next(false);
      count += 1;
    }
    for (let next = this.retries.shift(); next; next = this.retries.shift()) {
      next.waiter(false);
      count += 1;
    }
    this.endTurns();
    // Parts waiting for room go on: their attempts find the endpoint turned away and step aside.
    for (let room = this.rooms.shift(); room; room = this.rooms.shift()) room.enter();
    return count;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  get queued(): number {
    return this.waiting.length + this.retries.length;
  }

  /** Parts waiting in roomForFirstAttempts. */
  get partsWaiting(): number {
    return this.rooms.length;
  }

  /** First attempts of parts let in by roomForFirstAttempts that have not started them yet. */
  get attemptsStarting(): number {
    return this.reserved;
  }
}

/** One semaphore per key (an endpoint's origin), dropped when idle so the map does not grow. */
export class KeyedSemaphore {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(readonly capacityPerKey: number) {}

  private semaphoreOf(key: string): Semaphore {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) this.semaphores.set(key, (semaphore = new Semaphore(this.capacityPerKey)));
    return semaphore;
  }

  /** Takes a slot of this key at once when one is free. */
  tryAcquire(key: string): boolean {
    return this.semaphoreOf(key).tryAcquire();
  }

  /** True with a slot of this key held, false when this key's waiters were turned away (turnAwayWaiters drops it if idle). */
  acquire(key: string, priority: SlotPriority = 'first'): Promise<boolean> {
    return this.semaphoreOf(key).acquire(priority);
  }

  release(key: string): void {
    const semaphore = this.semaphores.get(key);
    if (!semaphore) return;
    semaphore.release();
    this.dropIfIdle(key, semaphore);
  }

  /** Resolves once no first attempt waits for this key (Semaphore.firstAttemptsServed). */
  firstAttemptsServed(key: string, maxWaitMs?: number): Promise<void> {
    return this.semaphores.get(key)?.firstAttemptsServed(maxWaitMs) ?? Promise.resolve();
  }

  /**
   * Resolves once fewer than `below` first attempts wait for this key (Semaphore.roomForFirstAttempts), with a function
   * to call once the part has started its `attempts`. A key nobody uses gets its semaphore here, so that the parts
   * asking for it at once are counted too.
   */
  async roomForFirstAttempts(key: string, below: number, attempts: number): Promise<() => void> {
    const semaphore = this.semaphoreOf(key);
    const started = await semaphore.roomForFirstAttempts(below, attempts);
    return () => {
      started();
      this.dropIfIdle(key, semaphore);
    };
  }

  /** Turns away everyone waiting for this key; returns how many. */
  turnAwayWaiters(key: string): number {
    const semaphore = this.semaphores.get(key);
    if (!semaphore) return 0;
    const count = semaphore.turnAwayWaiters();
    this.dropIfIdle(key, semaphore);
    return count;
  }

  private dropIfIdle(key: string, semaphore: Semaphore): void {
    const idle = semaphore.inUse === 0 && semaphore.queued === 0 && semaphore.partsWaiting === 0 && semaphore.attemptsStarting === 0;
    if (idle && this.semaphores.get(key) === semaphore) this.semaphores.delete(key);
  }

  /** Requests waiting for a slot of this key. */
  queuedFor(key: string): number {
    return this.semaphores.get(key)?.queued ?? 0;
  }

  /** Slots of this key in use. */
  inUseFor(key: string): number {
    return this.semaphores.get(key)?.inUse ?? 0;
  }
}
