/** The wait before the first read after a successful one; doubled for each transient refusal in a row. */
const FIRST_WAIT_MS = 400;
/** The longest wait of our own, so a read comes soon after the API recovers. */
const LONGEST_WAIT_MS = 5000;
/**
 * The longest wait a Retry-After can ask for: the page asks again after at most this long, so a broken or hostile
 * header (`Retry-After: 86400`) cannot freeze it for good.
 */
export const LONGEST_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before asking the API again after `refusals` transient refusals in a row (`ApiError.transient`:
 * no answer, 429, 5xx): 400 ms doubling, at most 5 s, up to 20% less at random, so readers refused together (the
 * endpoint list reads up to 50 rows' statistics at once) do not all come back in the same instant. Never less than
 * the answer's Retry-After (`retryAfterMs`, at most LONGEST_RETRY_AFTER_MS): asking sooner only meets the same
 * refusal, and spends the tenant's rate; up to 20% more than it, for the same reason as the jitter.
 */
export function backoffMs(refusals: number, retryAfterMs: number | null = null, random: () => number = Math.random): number {
  const spread = random();
  const own = Math.min(FIRST_WAIT_MS * 2 ** refusals, LONGEST_WAIT_MS) * (1 - 0.2 * spread);
  if (retryAfterMs === null || retryAfterMs <= 0) return Math.round(own);
  const asked = Math.min(retryAfterMs, LONGEST_RETRY_AFTER_MS);
  return Math.round(Math.max(own, Math.min(asked * (1 + 0.2 * spread), LONGEST_RETRY_AFTER_MS)));
}
