import { isStoreRefusingWrites } from './unavailable.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/** How long the readiness probe's key lives: it is rewritten by every probe, and gone soon after the last. */
const WRITE_PROBE_TTL_MS = 10_000;

/** Where a process reports what it learns about the store's writes (its metrics). */
export interface StoreWriteSignals {
  /** Counts one refused write. */
  refused: { inc(): void };
  /** 1 while writes are taken, 0 from a refusal until a write is taken again. */
  writable: { set(value: number): void };
}

/**
 * Whether Redis takes writes. A Redis at `maxmemory` under `noeviction` answers PING and every read, and refuses
 * every write that needs memory, so readiness must try a write. Refusals a process meets on its own paths are noted
 * here too, so the metrics show them between probes.
 */
export class StoreWriteHealth {
  /** A refusal was noted and no write taken since: one flag for the whole process, whichever path met the refusal. */
  private refusing = false;

  constructor(private readonly redis: RedisClient, private readonly keys: Keys, private readonly signals: StoreWriteSignals) {}

  /** Notes an error a store call threw; returns whether it was a refused write. */
  noteError(error: unknown): boolean {
    if (!isStoreRefusingWrites(error)) return false;
    this.signals.refused.inc();
    this.refusing = true;
    this.signals.writable.set(0);
    return true;
  }

  /**
   * Notes that writes were taken (a job that wrote got through, an ingest flush was stored): the gauge goes back to 1
   * after a refusal met anywhere in the process. Cheap enough to call for every job.
   */
  noteWritable(): void {
    if (!this.refusing) return;
    this.refusing = false;
    this.signals.writable.set(1);
  }

  /** Tries one small write (on a cluster: on the shard that holds the probe key). */
  async probe(): Promise<boolean> {
    try {
      await this.redis.set(this.keys.writeProbe(), String(Date.now()), 'PX', WRITE_PROBE_TTL_MS);
      this.refusing = false;
      this.signals.writable.set(1);
      return true;
    } catch (error) {
      this.noteError(error);
      return false;
    }
  }
}
