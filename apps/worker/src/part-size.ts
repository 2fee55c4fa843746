/**
 * How many deliveries a part holds (docs/delivery.md, "A part's size follows its endpoint's pace"). A part's
 * attempts are recorded together once all of them are done (one settle round trip, engine.ts), so a worker that dies
 * loses the outcomes of what its parts had sent and not yet recorded, and those deliveries are sent again (at least
 * once). Against a fast endpoint a part of 128 is done within a few tens of milliseconds; against one that takes 150 ms
 * an answer, 16 at a time, it is done after 1.2 s: with a worker killed every 3 s, 28–31 % of the deliveries were sent
 * twice (`npm run test:chaos`). A part is therefore as many waves of its in-flight attempts as fit in
 * PART_RECORDED_WITHIN_MS at the endpoint's recent pace, and never more than PART_SIZE.
 */

/** The most deliveries a part holds: one settle round trip for up to this many, and their payloads and outcomes held until it. */
export const PART_SIZE = 128;

/**
 * Attempts of one part in flight (or waiting for a slot) at once, and the fewest deliveries a part holds: a quarter of
 * an origin's 64 slots, so four parts of one endpoint fill it. Bounds the worker's heap: every waiting delivery holds a
 * few closures, promises and a timer, and with all 500 of a group started at once the drain of fan-out 1,000 peaked at
 * 486 MB RSS.
 */
export const PART_IN_FLIGHT = 16;

/** About how long a part's first answers may wait to be recorded, at its endpoint's recent pace. */
export const PART_RECORDED_WITHIN_MS = 400;

/** Waves of a part of an endpoint this worker has not heard from yet: small until its pace is known. */
const WAVES_OF_AN_UNKNOWN_ENDPOINT = 2;

/** How much of an endpoint's pace one part's mean attempt time moves (an exponentially weighted mean). */
const PACE_WEIGHT_OF_A_PART = 0.3;

/** Endpoints whose pace is remembered; past this all are forgotten and start over as unknown (as the worker's other caches do). */
const MAX_REMEMBERED = 10_000;

/** A part's size for an endpoint whose attempts take `typicalAttemptMs` (undefined: not known yet). */
export function partSizeFor(typicalAttemptMs: number | undefined): number {
  const waves = typicalAttemptMs === undefined ? WAVES_OF_AN_UNKNOWN_ENDPOINT : Math.floor(PART_RECORDED_WITHIN_MS / Math.max(typicalAttemptMs, 1));
  return Math.max(PART_IN_FLIGHT, Math.min(PART_SIZE, waves * PART_IN_FLIGHT));
}

/** The recent time an attempt takes, per subscription, from the parts this worker has sent to it. */
export class AttemptPace {
  private readonly typicalMs = new Map<string, number>();

  /** A part's attempts took `meanMs` each on average. */
  record(subscriptionId: string, meanMs: number): void {
    if (!Number.isFinite(meanMs) || meanMs < 0) return;
    const known = this.typicalMs.get(subscriptionId);
    if (known === undefined && this.typicalMs.size >= MAX_REMEMBERED) this.typicalMs.clear();
    this.typicalMs.set(subscriptionId, known === undefined ? meanMs : known + (meanMs - known) * PACE_WEIGHT_OF_A_PART);
  }

  typicalAttemptMs(subscriptionId: string): number | undefined {
    return this.typicalMs.get(subscriptionId);
  }

  partSize(subscriptionId: string): number {
    return partSizeFor(this.typicalMs.get(subscriptionId));
  }
}
