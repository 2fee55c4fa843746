/** A counting semaphore with a FIFO wait list. */
export class Semaphore {
  private available: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available += 1;
  }

  get inUse(): number {
    return this.capacity - this.available;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** One semaphore per key (an endpoint's origin), dropped when idle so the map does not grow. */
export class KeyedSemaphore {
  private readonly semaphores = new Map<string, Semaphore>();

  constructor(readonly capacityPerKey: number) {}

  async acquire(key: string): Promise<void> {
    let semaphore = this.semaphores.get(key);
    if (!semaphore) this.semaphores.set(key, (semaphore = new Semaphore(this.capacityPerKey)));
    await semaphore.acquire();
  }

  release(key: string): void {
    const semaphore = this.semaphores.get(key);
    if (!semaphore) return;
    semaphore.release();
    if (semaphore.inUse === 0 && semaphore.queued === 0) this.semaphores.delete(key);
  }
}
