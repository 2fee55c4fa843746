import { KeyedSemaphore, Semaphore, type SlotPriority } from './semaphore.js';
import { SlowOriginShare } from './slow-origins.js';

/** A broker with a full backlog and no publish ended for this long is congested (as an HTTP origin: transport.ts). */
const STALLED_BROKER_MS = 500;
/** Brokers not known to confirm promptly hold at most this share of the slots together (slow-origins.ts). */
const SLOW_BROKERS_SHARE = 0.5;
/** A publish running longer than this share of the timeout makes its broker slow. */
const SLOW_PUBLISH_SHARE_OF_TIMEOUT = 0.5;

export interface BrokerSlotsOptions {
  /** Publishes in flight per process, over every broker. */
  concurrency: number;
  /** Publishes in flight per broker (one pooled connection), so one slow broker cannot take every slot. */
  perBrokerConcurrency: number;
  timeoutMs: number;
}

/** How a publish given a slot ended: its value, its own failure, or no confirmation within the timeout. */
export type SlotResult<T> =
  | { kind: 'done'; value: T; durationMs: number }
  | { kind: 'failed'; error: unknown; durationMs: number }
  | { kind: 'timeout'; durationMs: number }
  | { kind: 'stalled' };

/**
 * The isolation rules of HTTP deliveries (transport.ts) for publishes to brokers: a cap per broker, a process-wide
 * cap, slow and unknown brokers together held to half the slots (SlowOriginShare), a whole-publish timeout, and a
 * broker whose publishes stopped ending turns its waiters away (`stalled`: their jobs step aside and come back).
 * `key` names one broker connection (its URL or server list).
 */
export class BrokerSlots {
  private readonly slots: Semaphore;
  private readonly brokerSlots: KeyedSemaphore;
  private readonly pace: SlowOriginShare;
  /** Per broker: publishes in flight and when one last started on an idle broker or ended. */
  private readonly progress = new Map<string, { inFlight: number; lastProgressAt: number }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: BrokerSlotsOptions) {
    this.slots = new Semaphore(options.concurrency);
    this.brokerSlots = new KeyedSemaphore(options.perBrokerConcurrency);
    this.pace = new SlowOriginShare(Math.max(1, Math.floor(options.concurrency * SLOW_BROKERS_SHARE)), options.timeoutMs * SLOW_PUBLISH_SHARE_OF_TIMEOUT);
  }

  /**
   * Runs `publish` once this broker and the process have a free slot, bounded by the timeout. `prepare` runs first
   * (when the slot is held, so a waiting delivery holds no body); what it throws is thrown here, slots given back.
   * A retry waits for a busy broker's slots behind its first attempts (semaphore.ts). `timeoutOf`: the prepared
   * publish's own timeout (a subscription's `timeout_ms`), instead of the options' one.
   */
  async run<P, T>(
    key: string,
    prepare: () => P,
    publish: (prepared: P) => Promise<T>,
    priority: SlotPriority = 'first',
    timeoutOf: (prepared: P) => number | undefined = () => undefined,
  ): Promise<SlotResult<T>> {
    if (!this.brokerSlots.tryAcquire(key)) {
      if (this.pace.paceOf(key) === 'slow' || this.isStalled(key, performance.now()) || !(await this.brokerSlots.acquire(key, priority)))
        return { kind: 'stalled' };
    }
    const ticket = this.pace.admit(key, performance.now());
    if (!ticket) {
      this.brokerSlots.release(key);
      return { kind: 'stalled' };
    }
    if (!this.slots.tryAcquire()) await this.slots.acquire();
    let prepared: P;
    try {
      prepared = prepare();
    } catch (error) {
      this.pace.cancel(ticket);
      this.slots.release();
      this.brokerSlots.release(key);
      throw error;
    }
    this.startSweeping();
    const started = performance.now();
    this.progressStarted(key, started);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutOf(prepared) ?? this.options.timeoutMs);
    });
    const published = publish(prepared).then(
      (value) => ({ kind: 'done' as const, value }),
      (error: unknown) => ({ kind: 'failed' as const, error }),
    );
    const ended = await Promise.race([published, timedOut]);
    clearTimeout(timer);
    const durationMs = performance.now() - started;
    this.pace.finish(ticket, performance.now());
    this.progressFinished(key);
    this.slots.release();
    this.brokerSlots.release(key);
    if (ended === 'timeout') return { kind: 'timeout', durationMs };
    return { ...ended, durationMs };
  }

  /** True while more publishes to this broker would only wait: its slots are held by publishes that stopped ending. */
  isCongested(key: string): boolean {
    if (this.pace.isFull(key) && this.pace.paceOf(key) === 'slow') return true;
    return this.brokerSlots.inUseFor(key) >= this.options.perBrokerConcurrency && this.isStalled(key, performance.now());
  }

  private isStalled(key: string, now: number): boolean {
    const progress = this.progress.get(key);
    return progress !== undefined && progress.inFlight > 0 && now - progress.lastProgressAt > STALLED_BROKER_MS;
  }

  private progressStarted(key: string, now: number): void {
    const progress = this.progress.get(key);
    if (!progress) this.progress.set(key, { inFlight: 1, lastProgressAt: now });
    else {
      if (progress.inFlight === 0) progress.lastProgressAt = now;
      progress.inFlight += 1;
    }
  }

  private progressFinished(key: string): void {
    const progress = this.progress.get(key);
    if (!progress) return;
    progress.inFlight -= 1;
    progress.lastProgressAt = performance.now();
    if (progress.inFlight === 0 && this.brokerSlots.queuedFor(key) === 0) this.progress.delete(key);
  }

  /** One timer while publishes are in flight: it marks slow brokers and turns away the waiters of stalled ones. */
  private startSweeping(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        const now = performance.now();
        this.pace.sweep(now);
        for (const key of this.progress.keys()) {
          if (this.brokerSlots.queuedFor(key) > 0 && this.isStalled(key, now)) this.brokerSlots.turnAwayWaiters(key);
        }
        if (this.progress.size === 0) this.stopSweeping();
      },
      Math.max(5, Math.min(100, Math.floor(this.options.timeoutMs / 10))),
    );
    this.sweeper.unref();
  }

  private stopSweeping(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  close(): void {
    this.stopSweeping();
  }
}
