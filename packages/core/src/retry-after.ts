/**
 * A `Retry-After` header (delta-seconds, or an HTTP date) in milliseconds from `now`; null when absent or unreadable.
 * One reading for the worker (an endpoint's answer), the SDK and the portal (the API's answers): it has no
 * dependency, so the portal's bundle imports it alone (`@hookfleet/core/retry-after`).
 */
export function parseRetryAfterMs(header: string | readonly string[] | null | undefined, now = Date.now()): number | null {
  const value = (typeof header === 'string' ? header : header?.[0])?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date names its day and month; Date.parse alone would take `-3` for a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
