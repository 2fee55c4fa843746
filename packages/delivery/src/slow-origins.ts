import { InFlightList, type Listed } from './in-flight-list.js';

/**
 * How the origins that are not known to answer promptly share a worker's request slots (issue 21, item 6).
 *
 * An origin is `fast` once a request to it ended within `slowAfterMs`, and `slow` again when one takes longer (in flight
 * or ended); an origin never heard from is `unknown`. Requests to unknown and slow origins, together, hold at most
 * `capacity` slots (half the worker's): however many endpoints hang or trickle, the other half stays for the ones that
 * answer. A request that finds the share full is not sent (the transport answers `stalled`, its job steps aside and
 * comes back), except an unknown origin's first: one request of a new endpoint may go beside the full share (a probe),
 * so that hanging endpoints cannot keep a new one from ever being heard; it holds that slot until it ends. Probes
 * beside the full share are bounded too (`probeCapacity`): each hanging endpoint never heard from took one, and 40 of
 * them on a worker of 20 slots held every slot, and every job slot waiting for one, for two timeouts in a row
 * (apps/worker/test/many-new-hanging-origins.test.ts). A fast origin that turns slow keeps what it had in flight (at
 * most its per-origin limit) until those requests end; they count against the share from then on.
 */
export type OriginPace = 'unknown' | 'fast' | 'slow';

/** One request admitted: where it went, when it started, and whether it holds a slot of the share. */
export interface PaceTicket extends Listed {
  readonly origin: string;
  readonly startedAt: number;
  shared: boolean;
  /** Sent beside a full share as its origin's probe: it holds one of the `probeCapacity` slots. */
  readonly probe: boolean;
}

interface OriginState {
  pace: OriginPace;
  /** Its requests in flight: one added and one removed a request, so not a Set (in-flight-list.ts). */
  inFlight: InFlightList<PaceTicket>;
}

/** Origins remembered (fast ones mostly); past this the idle ones are forgotten and start over as unknown. */
const MAX_REMEMBERED_ORIGINS = 10_000;

export class SlowOriginShare {
  private readonly origins = new Map<string, OriginState>();
  /** Origins with requests in flight: the only ones a sweep looks at. */
  private readonly active = new Set<OriginState>();
  private shared = 0;
  private probes = 0;

  constructor(
    /** Slots that unknown and slow origins may hold together. */
    readonly capacity: number,
    /** A request running longer than this makes its origin slow. */
    readonly slowAfterMs: number,
    /** Probes that may be in flight beside a full share, together: a quarter of the share's size by default. */
    readonly probeCapacity: number = Math.max(1, Math.floor(capacity / 4)),
  ) {}

  paceOf(origin: string): OriginPace {
    return this.origins.get(origin)?.pace ?? 'unknown';
  }

  /** Slots of the share in use. */
  get inUse(): number {
    return this.shared;
  }

  /**
   * Slots held by requests to unknown and slow origins: the share's and the probes' sent beside a full share. A probe
   * holds a socket and a job slot as a request of the share does, so what the worker's gauge reports (transport.ts)
   * counts it: at most `capacity + probeCapacity`.
   */
  get slotsHeld(): number {
    return this.shared + this.probes;
  }

  /** True when a request to this origin would be refused now. */
  isFull(origin: string): boolean {
    const state = this.origins.get(origin);
    if (state?.pace === 'fast' || this.shared < this.capacity) return false;
    return !this.mayProbe(state);
  }

  /** An unknown origin with nothing in flight may send one request beside a full share, while the probes have room. */
  private mayProbe(state: OriginState | undefined): boolean {
    return this.probes < this.probeCapacity && (!state || (state.pace === 'unknown' && state.inFlight.size === 0));
  }

  /** A ticket when a request to this origin may start now, null when the share is full. */
  admit(origin: string, now: number): PaceTicket | null {
    let state = this.origins.get(origin);
    const pace = state?.pace ?? 'unknown';
    const full = pace !== 'fast' && this.shared >= this.capacity;
    if (full && !this.mayProbe(state)) return null;
    if (!state) {
      if (this.origins.size >= MAX_REMEMBERED_ORIGINS) this.forgetIdle();
      this.origins.set(origin, (state = { pace: 'unknown', inFlight: new InFlightList() }));
    }
    const ticket: PaceTicket = { origin, startedAt: now, shared: pace !== 'fast' && !full, probe: full, listIndex: -1 };
    if (ticket.shared) this.shared += 1;
    if (ticket.probe) this.probes += 1;
    state.inFlight.add(ticket);
    this.active.add(state);
    return ticket;
  }

  /** The request ended: its slot is free, and how long it took sets its origin's pace. */
  finish(ticket: PaceTicket, now: number): void {
    this.release(ticket);
    const state = this.origins.get(ticket.origin);
    if (!state) return;
    state.inFlight.remove(ticket);
    if (state.inFlight.size === 0) this.active.delete(state);
    state.pace = now - ticket.startedAt > this.slowAfterMs ? 'slow' : 'fast';
  }

  /** The request was never sent (its body could not be built): its slot is free, its origin's pace unchanged. */
  cancel(ticket: PaceTicket): void {
    this.release(ticket);
    const state = this.origins.get(ticket.origin);
    state?.inFlight.remove(ticket);
    if (state && state.inFlight.size === 0) this.active.delete(state);
  }

  /** Run every few ticks: a fast origin with a request in flight past slowAfterMs is slow, and its requests join the share. */
  sweep(now: number): void {
    for (const state of this.active) {
      if (state.pace !== 'fast') continue;
      let overdue = false;
      state.inFlight.forEachFromEnd((ticket) => {
        if (now - ticket.startedAt > this.slowAfterMs) overdue = true;
      });
      if (!overdue) continue;
      state.pace = 'slow';
      state.inFlight.forEachFromEnd((ticket) => {
        if (ticket.shared) return;
        ticket.shared = true;
        this.shared += 1;
      });
    }
  }

  /** The ticket's slot of the share or of the probes is free again. */
  private release(ticket: PaceTicket): void {
    if (ticket.shared) this.shared -= 1;
    if (ticket.probe) this.probes -= 1;
  }

  private forgetIdle(): void {
    for (const [origin, state] of this.origins) if (state.inFlight.size === 0) this.origins.delete(origin);
  }
}
