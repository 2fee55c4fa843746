import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';

/**
 * When a subscription's endpoint may be sent to again, for the operator's answers (POST /v1/deliveries/:id/retry):
 * the end of its pause (rate-limiter.ts `pause` and `queueEndpointPause`: a 429 or 503 with Retry-After, or the
 * circuit breaker's), in ms on Redis's clock, which every worker's grant waits for. One GET of the key the pause
 * writes: nothing on the delivery path reads or writes more for it.
 */
export class EndpointPauses {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  /** The end of the endpoint's pause; null when it is not paused. */
  async endOf(subscriptionId: string): Promise<number | null> {
    const stored = await this.redis.get(this.keys.endpointPause(subscriptionId));
    const ends = stored === null ? Number.NaN : Number(stored);
    return Number.isFinite(ends) && ends > 0 ? ends : null;
  }
}
