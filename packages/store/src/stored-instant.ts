/** The largest time a Date holds (ECMAScript: ±8.64e15 ms). */
const LAST_DATE_MS = 8.64e15;

/**
 * A stored epoch-milliseconds field as an ISO time, or null when empty or out of range: a time written before
 * Retry-After was capped (10^23 ms ahead) must not turn every read of the delivery into a 500.
 */
export function instantOrNull(raw: string | undefined): string | null {
  const ms = raw ? Number(raw) : Number.NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= LAST_DATE_MS ? new Date(ms).toISOString() : null;
}
