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
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(private readonly perSecond: number, private readonly burst = perSecond) {}

  /**
   * Takes `count` tokens, or answers how many seconds until they would be there. A request larger than the burst (a
   * batch of 500 events at 100 a second) can never find that many tokens in the bucket: it is taken once the bucket is
   * full and leaves it in debt, so the rate holds on average and its Retry-After is the truth, not a wait that would be
   * refused again forever.
   */
  take(key: string, count = 1, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (this.perSecond <= 0) return { ok: true };
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, bucket);
    const needed = Math.min(count, this.burst);
    if (bucket.tokens >= needed) {
      bucket.tokens -= count;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / this.perSecond)) };
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
