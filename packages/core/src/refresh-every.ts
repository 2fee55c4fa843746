/**
 * Runs `refresh` now and then every `intervalMs`, never two at once, on a timer that keeps no process alive: how the
 * gauges read from Redis stay fresh however often they are scraped (packages/queue/src/queue-gauges.ts,
 * apps/worker/src/poll-gauges.ts). A refresh that throws (Redis away) leaves what it sets at its last values until one
 * succeeds again. Returns the function that stops it.
 */
export function refreshEvery(intervalMs: number, refresh: () => Promise<void>): () => void {
  let running = false;
  const refreshOnce = async () => {
    if (running) return;
    running = true;
    try {
      await refresh();
    } catch {
      // Kept quiet: the next round tries again.
    } finally {
      running = false;
    }
  };
  void refreshOnce();
  const timer = setInterval(() => void refreshOnce(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
