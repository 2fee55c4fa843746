/**
 * Maps `items` through `run` with at most `limit` calls running at once; results come back in item order.
 * A group job of 500 first attempts holds a few of them at a time instead of 500 waiting closures, timers and promises:
 * the worker's heap (and the time the garbage collector spends on it) stays bounded whatever the group's size.
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, lane));
  return results;
}
