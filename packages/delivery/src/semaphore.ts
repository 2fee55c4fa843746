/**
 * A FIFO queue with O(1) take: Array#shift copies the whole array once it is large, and a worker can have tens
 * of thousands of deliveries waiting for one endpoint's slots (a 9 % CPU hot spot in the benchmark's profile).
 */
class WaitQueue {
  private items: Array<(() => boolean | void) | undefined> = [];
  private head = 0;

  push(item: () => boolean | void): void {
    this.items.push(item);
  }

  shift(): (() => boolean | void) | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Drop the consumed prefix once it is most of the array, so memory follows the queue's length.
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  get length(): number {
    return this.items.length - this.head;
  }
}

/** A counting semaphore with a FIFO wait list. */
export class Semaphore {
  private available: number;
  private readonly waiting = new WaitQueue();
  /** Waiters that gave up but are still in the queue. */
  private withdrawn = 0;

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  /** Takes a slot at once when one is free (no promise, no microtask): the common case on the hot path. */
  tryAcquire(): boolean {
    if (this.available <= 0) return false;
    this.available -= 1;
    return true;
  }

  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Waits at most `timeoutMs` for a slot; false when none came (the wait is withdrawn, no slot is held). */
  async acquireWithin(timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire()) return true;
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        this.withdrawn += 1;
        resolve(false);
      }, timeoutMs);
      this.waiting.push(() => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        resolve(true);
        return true;
      });
    });
  }

  release(): void {
    // A withdrawn waiter declines the slot; hand it to the next one that still wants it.
    for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
      if (next() !== false) return;
      this.withdrawn -= 1;
    }
    this.available += 1;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  get queued(): number {
    return this.waiting.length - this.withdrawn;
  }
}

/** One semaphore per key (an endpoint's origin), dropped when idle so the map does not grow. */
export class KeyedSemaphore {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(readonly capacityPerKey: number) {}

  /** Takes a slot of this key at once when one is free. */
  tryAcquire(key: string): boolean {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) this.semaphores.set(key, (semaphore = new Semaphore(this.capacityPerKey)));
    return semaphore.tryAcquire();
  }

  async acquire(key: string): Promise<void> {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) this.semaphores.set(key, (semaphore = new Semaphore(this.capacityPerKey)));
    await semaphore.acquire();
  }

  /** Waits at most `timeoutMs` for a slot of this key; false when none came. */
  async acquireWithin(key: string, timeoutMs: number): Promise<boolean> {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) this.semaphores.set(key, (semaphore = new Semaphore(this.capacityPerKey)));
    return semaphore.acquireWithin(timeoutMs);
  }

  release(key: string): void {
    const semaphore = this.semaphores.get(key);
    if (!semaphore) return;
    semaphore.release();
    if (semaphore.inUse === 0 && semaphore.queued === 0) this.semaphores.delete(key);
  }

  /** Requests waiting for a slot of this key. */
  queuedFor(key: string): number {
    return this.semaphores.get(key)?.queued ?? 0;
  }
}
