import { InFlightList, type Listed } from './in-flight-list.js';

/** What DeadlineWatch needs of what it watches (ResponseCollector in the transport). */
export interface Watched extends Listed {
  /** performance.now() after which it is abandoned. */
  readonly deadline: number;
  /** Ends it as timed out; it leaves the watch through `delete`, at once. */
  expire(): void;
}

/**
 * The in-flight requests and their deadlines, checked by one timer while any is in flight, instead of one
 * AbortSignal.timeout timer per request. In-flight requests are bounded by the transport's concurrency.
 */
export class DeadlineWatch<T extends Watched> {
  private readonly inFlight = new InFlightList<T>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tickMs: number,
    /** Also run on every tick while requests are in flight (the transport's stalled-endpoint check). */
    private readonly onTick: (now: number) => void = () => undefined,
  ) {}

  add(entry: T): void {
    this.inFlight.add(entry);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.tickMs);
      this.timer.unref();
    }
  }

  delete(entry: T): void {
    if (!this.inFlight.remove(entry)) return;
    if (this.inFlight.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private sweep(): void {
    const now = performance.now();
    this.inFlight.forEachFromEnd((entry) => {
      if (entry.deadline <= now) entry.expire();
    });
    this.onTick(now);
  }

  /** Requests being watched. */
  get size(): number {
    return this.inFlight.size;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
