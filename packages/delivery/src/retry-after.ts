/** Status codes whose Retry-After pauses the whole endpoint. */
export function asksForPause(statusCode: number | null): boolean {
  return statusCode === 429 || statusCode === 503;
}
