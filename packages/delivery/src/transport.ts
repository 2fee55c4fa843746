import { TargetNotAllowed } from '@hookfleet/core';
import { copyHeaders } from './copy-headers.js';
import { failureResult, ResponseResult, stalledResult, type SendResult } from './send-result.js';
import { assertLiteralTargetAllowed, guardedLookupFor, targetPolicy, type TargetPolicy } from './ssrf-guard.js';
import { KeyedSemaphore, Semaphore, type SlotPriority } from './semaphore.js';
import { SlowOriginShare } from './slow-origins.js';
import { DeadlineWatch } from './deadline-watch.js';
import { ResponseCollector, type Collected } from './response-collector.js';
import { Http1Pool, type PoolLookup } from './http1-pool.js';
import { TurnGate } from './turn-gate.js';

export type { SendKind, SendResult } from './send-result.js';

/** An origin with a full backlog and no answer for this long is congested. */
const STALLED_ORIGIN_MS = 500;
/** Origins not known to answer promptly (slow or never heard from) hold at most this share of the slots together. */
const SLOW_ORIGINS_SHARE = 0.5;
/**
 * A request running longer than this share of the timeout makes its origin slow: far beyond a busy endpoint's answer,
 * well short of a hanging or trickling one's (which runs into the timeout).
 */
const SLOW_REQUEST_SHARE_OF_TIMEOUT = 0.5;

/** Every delivery's User-Agent starts with hookfleet/ (docs/contract.md, "Deliveries"). */
export const USER_AGENT = 'hookfleet/0.1 (+https://github.com/hookfleet)';

/** What an attempt's response body keeps for the attempt log. */
export const RESPONSE_BODY_LIMIT = 4096;

export interface TransportOptions {
  timeoutMs: number;
  /** Requests in flight per process. */
  concurrency: number;
  /** Requests in flight per endpoint origin, so one slow endpoint cannot take every slot. */
  perOriginConcurrency?: number;
  /** Slots that slow and unknown origins may hold together; default half of `concurrency`. */
  slowOriginSlots?: number;
  allowPrivateTargets: boolean;
  userAgent: string;
}

/**
 * How long a connection to an endpoint stays open unused, when the endpoint does not say how long it keeps one: under
 * the 5 s after which Node's and uvicorn's servers close an idle connection, so that it is rarely written to as the
 * server closes it (http1-pool.ts resends what such a close cuts off, once: Exchange.resendable, http1-exchange.ts).
 */
const IDLE_CONNECTION_MS = 4_000;

interface Target {
  url: URL;
  origin: string;
  /** Path and query, as the request line sends them. */
  path: string;
  /** Why the SSRF guard refuses this URL's literal host, checked once when the URL is first seen; null: allowed. */
  refused: TargetNotAllowed | null;
}

const MAX_CACHED_TARGETS = 10_000;

/**
 * First attempts that may wait for an origin's slots, in its slots' count, before a new part waits whole for room:
 * enough that the queue never runs dry under load (retries go only once it does: semaphore.ts), few enough that
 * thousands of half-started attempts do not outlive young garbage collections.
 */
const FIRST_ATTEMPTS_QUEUED_PER_SLOT = 4;

/** The body and headers of one delivery request (Content-Type and User-Agent are the transport's). */
export interface OutgoingRequest {
  body: string;
  headers: Record<string, string>;
  /** The whole-request timeout of this attempt (a subscription's `timeout_ms`); absent: the transport's. */
  timeoutMs?: number;
}

/** Requests in flight per endpoint origin when the options name none: half the process's slots, at most 64. */
export function defaultPerOriginConcurrency(concurrency: number): number {
  return Math.max(1, Math.min(64, Math.ceil(concurrency / 2)));
}

/** Keep-alive connections per origin, a whole-request timeout, no redirects, and the SSRF guard at connect time. */
export class DeliveryTransport {
  private readonly pool: Http1Pool;
  private readonly slots: Semaphore;
  private readonly originSlots: KeyedSemaphore;
  /** Slow and unknown origins together hold at most half the slots, however many of them hang or trickle. */
  private readonly pace: SlowOriginShare;
  /** Requests in flight per endpoint origin. */
  readonly perOriginConcurrency: number;
  private readonly deadlines: DeadlineWatch<ResponseCollector>;
  private readonly targets = new Map<string, Target>();
  /** Per origin: requests in flight and when one last started on an idle origin or finished. */
  private readonly originProgress = new Map<string, { inFlight: number; lastProgressAt: number }>();
  private readonly policy: TargetPolicy;
  /** A turn's requests are built and written together at its end (turn-gate.ts). */
  private readonly turn = new TurnGate();

  constructor(private readonly options: TransportOptions) {
    const perOrigin = options.perOriginConcurrency ?? defaultPerOriginConcurrency(options.concurrency);
    this.perOriginConcurrency = perOrigin;
    this.policy = targetPolicy(options.allowPrivateTargets);
    this.pool = new Http1Pool({
      lookup: guardedLookupFor(this.policy) as unknown as PoolLookup,
      idleTimeoutMs: IDLE_CONNECTION_MS,
    });
    this.slots = new Semaphore(options.concurrency);
    this.originSlots = new KeyedSemaphore(perOrigin);
    this.pace = new SlowOriginShare(
      options.slowOriginSlots ?? Math.max(1, Math.floor(options.concurrency * SLOW_ORIGINS_SHARE)),
      options.timeoutMs * SLOW_REQUEST_SHARE_OF_TIMEOUT,
    );
    // Deadlines are checked a few times per timeout, at most every 100 ms (a timeout ends up to one tick late).
    // Stalled endpoints are checked on the same tick: one pass over the origins in flight, no timer per waiter.
    this.deadlines = new DeadlineWatch(Math.max(5, Math.min(100, Math.floor(options.timeoutMs / 10))), (now) => {
      this.pace.sweep(now);
      this.turnAwayStalledWaiters(now);
    });
  }

  async post(targetUrl: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    return this.send(targetUrl, () => ({ body, headers }));
  }

  /**
   * Like post, with the request built only once this endpoint and the process have a free slot, at the end of that
   * turn of the event loop: a delivery waiting behind a busy endpoint holds no body, and a signed timestamp is the
   * time the request leaves.
   * An error thrown by `build` is thrown here, after the slots are given back. `priority`: a retry waits for a busy
   * endpoint's slots behind its first attempts (semaphore.ts).
   */
  async send(targetUrl: string, build: () => OutgoingRequest, priority: SlotPriority = 'first'): Promise<SendResult> {
    const target = this.targetOf(targetUrl);
    const { origin } = target;
    // Free slots are taken without a promise; only a full endpoint or process waits. Waiting behind a busy endpoint
    // is fine while its answers keep coming; behind a hanging one it is not: the stall check turns its waiters away,
    // so their jobs hand their worker slots back (one hanging endpoint cannot hold the others hostage).
    // A known-slow endpoint does not queue for its own slots at all: its jobs step aside at once.
    if (!this.originSlots.tryAcquire(origin)) {
      if (this.pace.paceOf(origin) === 'slow' || this.isStalled(origin, performance.now()) || !(await this.originSlots.acquire(origin, priority)))
        return stalledResult();
    }
    // Slow and unknown endpoints share half the worker's slots: when that half is full, this one waits outside.
    const ticket = this.pace.admit(origin, performance.now());
    if (!ticket) {
      this.originSlots.release(origin);
      return stalledResult();
    }
    if (!this.slots.tryAcquire()) await this.slots.acquire();
    // Built at the turn's end with the turn's other requests, not between two reads (turn-gate.ts).
    await this.turn.wait();
    let request: OutgoingRequest;
    try {
      request = build();
    } catch (error) {
      this.pace.cancel(ticket);
      this.slots.release();
      this.originSlots.release(origin);
      throw error;
    }
    const started = performance.now();
    this.progressStarted(origin, started);
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const collected = await new Promise<Collected>((resolve) => {
      const collector = new ResponseCollector(started + timeoutMs, RESPONSE_BODY_LIMIT, (settled, outcome) => {
        this.deadlines.delete(settled);
        this.pace.finish(ticket, performance.now());
        this.progressFinished(origin);
        this.slots.release();
        this.originSlots.release(origin);
        resolve(outcome);
      });
      try {
        if (target.refused) throw target.refused;
        this.deadlines.add(collector);
        this.pool.dispatch(
          target,
          request.body,
          copyHeaders({ 'content-type': 'application/json', 'user-agent': this.options.userAgent }, request.headers),
          collector,
        );
      } catch (error) {
        collector.fail(error);
      }
    });
    const durationMs = performance.now() - started;
    return collected.ok
      ? new ResponseResult(collected.statusCode, collected.head, collected.body, durationMs)
      : failureResult(collected.error, origin, durationMs);
  }

  /** isCongested's bookkeeping: a request starting on an idle origin, or any request ending, is progress. */
  private progressStarted(origin: string, now: number): void {
    const progress = this.originProgress.get(origin);
    if (!progress) this.originProgress.set(origin, { inFlight: 1, lastProgressAt: now });
    else {
      if (progress.inFlight === 0) progress.lastProgressAt = now;
      progress.inFlight += 1;
    }
  }

  private progressFinished(origin: string): void {
    const progress = this.originProgress.get(origin);
    if (!progress) return;
    progress.inFlight -= 1;
    progress.lastProgressAt = performance.now();
    if (progress.inFlight === 0 && this.originSlots.queuedFor(origin) === 0) this.originProgress.delete(origin);
  }

  /** A subscriber URL parsed once: deliveries to one endpoint reuse it. */
  private targetOf(targetUrl: string): Target {
    let target = this.targets.get(targetUrl);
    if (!target) {
      const url = new URL(targetUrl);
      if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
      target = { url, origin: url.origin, path: `${url.pathname}${url.search}`, refused: this.literalRefusal(url) };
      this.targets.set(targetUrl, target);
    }
    return target;
  }

  /** The guard's verdict on a URL's literal host (an address or a metadata name); names are checked again at connect. */
  private literalRefusal(url: URL): TargetNotAllowed | null {
    try {
      assertLiteralTargetAllowed(url, this.policy);
      return null;
    } catch (error) {
      if (error instanceof TargetNotAllowed) return error;
      throw error;
    }
  }

  /**
   * True when this endpoint's slots here are all taken by requests that stopped answering: more work for it would
   * only sit in a worker slot waiting, so its jobs step aside and come back later (one hanging endpoint cannot
   * fill every slot).
   */
  isCongested(targetUrl: string): boolean {
    let origin: string;
    try {
      origin = new URL(targetUrl).origin;
    } catch {
      return false;
    }
    if (this.pace.isFull(origin) && this.pace.paceOf(origin) === 'slow') return true;
    return this.originSlots.inUseFor(origin) >= this.perOriginConcurrency && this.isStalled(origin, performance.now());
  }

  /** Resolves once no first attempt waits for this URL's origin here, or after RETRY_HOLD_MAX_MS (semaphore.ts). */
  firstAttemptsServed(targetUrl: string): Promise<void> {
    const origin = this.originOrNull(targetUrl);
    return origin === null ? Promise.resolve() : this.originSlots.firstAttemptsServed(origin);
  }

  /**
   * Resolves once fewer first attempts wait for this URL's origin than FIRST_ATTEMPTS_QUEUED_PER_SLOT times its slots
   * (semaphore.ts): where a part of first attempts waits whole before it starts them. The part's `attempts` count as
   * waiting until it calls the function it gets back, once it has started them.
   */
  roomForFirstAttempts(targetUrl: string, attempts: number): Promise<() => void> {
    const origin = this.originOrNull(targetUrl);
    return origin === null
      ? Promise.resolve(() => undefined)
      : this.originSlots.roomForFirstAttempts(origin, this.perOriginConcurrency * FIRST_ATTEMPTS_QUEUED_PER_SLOT, attempts);
  }

  /** The URL's origin; null for a URL that does not parse (its send fails on its own, nothing need wait for it). */
  private originOrNull(targetUrl: string): string | null {
    try {
      return this.targetOf(targetUrl).origin;
    } catch {
      return null;
    }
  }

  /**
   * Slots held now by requests to slow and unknown origins, for tests and gauges: the share's, and the probes' of new
   * origins beside a full share (slow-origins.ts), which hold sockets and job slots as well.
   */
  get slowOriginSlotsInUse(): number {
    return this.pace.slotsHeld;
  }

  /** Requests in flight are fine while answers keep coming; it is a stall when none came for a while. */
  private isStalled(origin: string, now: number): boolean {
    const progress = this.originProgress.get(origin);
    return progress !== undefined && progress.inFlight > 0 && now - progress.lastProgressAt > STALLED_ORIGIN_MS;
  }

  /** Everyone waiting behind a stalled endpoint gives up at once (their deliveries stay pending, their jobs step aside). */
  private turnAwayStalledWaiters(now: number): void {
    for (const origin of this.originProgress.keys()) {
      if (this.originSlots.queuedFor(origin) > 0 && this.isStalled(origin, now)) this.originSlots.turnAwayWaiters(origin);
    }
  }

  async close(): Promise<void> {
    this.deadlines.close();
    await this.pool.close();
  }
}
