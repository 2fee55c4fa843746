/** A Retry-After header (seconds or an HTTP date) in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Status codes whose Retry-After pauses the whole endpoint. */
export function asksForPause(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}
