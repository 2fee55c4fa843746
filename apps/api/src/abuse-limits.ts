import type { NextFunction, Request, Response } from 'express';
import { callerScopeOf } from './caller-scope.js';
import { HookfleetError } from '@hookfleet/core';

export class TooManyRequests extends HookfleetError {
  override readonly code = 'rate_limited';
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/**
 * Token buckets per key, in this process's memory: abuse protection costs the hot path no Redis call. With
 * several API processes each allows the rate (documented); per-endpoint delivery limits are fleet-wide instead.
 */
/** Buckets one process keeps at most: past it, the ones least recently used go (a bucket left alone refills anyway). */
const MAX_BUCKETS = 100_000;

/** `refused`: the keys short of tokens. */
type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number; refused: string[] };

export class TokenBuckets {
  /** In order of last use, oldest first (each take moves its key to the end). */
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(private readonly perSecond: number, private readonly burst = perSecond) {}

  /**
   * Takes `count` tokens, or answers how many seconds until they would be there. A request larger than the burst (a
   * batch of 500 events at 100 a second) can never find that many tokens in the bucket: it is taken once the bucket is
   * full and leaves it in debt, so the rate holds on average and its Retry-After is the truth, not a wait that would be
   * refused again forever.
   */
  take(key: string, count = 1, now = Date.now()): Verdict {
    return this.takeAll([[key, count]], now);
  }

  /**
   * Takes from every bucket named, or from none: one request charging several keys (a batch of events for several
   * tenants) is refused whole, without charging the keys it could have paid for, with the longest of their waits.
   */
  takeAll(requests: ReadonlyArray<readonly [key: string, count: number]>, now = Date.now()): Verdict {
    if (this.perSecond <= 0) return { ok: true };
    const planned = requests.map(([key, count]) => {
      const stored = this.buckets.get(key);
      const tokens = stored ? Math.min(this.burst, stored.tokens + ((now - stored.updatedAt) / 1000) * this.perSecond) : this.burst;
      return { key, count, tokens, needed: Math.min(count, this.burst) };
    });
    const short = planned.filter((plan) => plan.tokens < plan.needed);
    // Every key asked for counts as used (refused or not), so its bucket is the last to go when there are too many.
    for (const plan of planned) this.store(plan.key, short.length > 0 ? plan.tokens : plan.tokens - plan.count, now);
    if (short.length === 0) return { ok: true };
    const retryAfterSeconds = Math.max(...short.map((plan) => Math.max(1, Math.ceil((plan.needed - plan.tokens) / this.perSecond))));
    return { ok: false, retryAfterSeconds, refused: short.map((plan) => plan.key) };
  }

  private store(key: string, tokens: number, now: number): void {
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, updatedAt: now });
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= MAX_BUCKETS) break;
      this.buckets.delete(oldest);
    }
  }
}

/**
 * The management API's limits: per tenant key, and per portal session scope (callerScopeOf: apart from the key's, so a
 * busy portal cannot starve the tenant's backend, and from the tenant's other customers'). The operator is not limited.
 */
export function managementRateLimit(buckets: TokenBuckets) {
  return (request: Request, _response: Response, next: NextFunction) => {
    const principal = request.principal;
    if (principal?.kind !== 'tenant' && principal?.kind !== 'portal') return next();
    const verdict = buckets.take(callerScopeOf(principal));
    if (verdict.ok) return next();
    const who = principal.kind === 'portal' ? 'this portal' : 'this tenant';
    next(new TooManyRequests(`too many requests for ${who}; slow down`, verdict.retryAfterSeconds));
  };
}
