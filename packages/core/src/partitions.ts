/** The most delivery-queue partitions a fleet may run: far more than any Redis Cluster has shards. */
export const MAX_PARTITIONS = 256;

/**
 * The partitions a worker consumes, from WORKER_PARTITIONS: indexes and ranges such as `0,2` or `0-1` (unset or
 * empty: every partition). Sorted, without repeats. Throws a message that names the variable and the bad part,
 * so a typo stops the worker at start instead of leaving a partition without consumers.
 */
export function parseWorkerPartitions(value: string | undefined, partitions: number): number[] {
  const all = Array.from({ length: partitions }, (_, index) => index);
  if (value === undefined || value.trim() === '') return all;
  const chosen = new Set<number>();
  for (const rawPart of value.split(',')) {
    const part = rawPart.trim();
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!match) throw new Error(`WORKER_PARTITIONS: "${part}" is not a partition index or range (use e.g. 0,2 or 0-1)`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new Error(`WORKER_PARTITIONS: the range "${part}" runs backwards`);
    if (to >= partitions) throw new Error(`WORKER_PARTITIONS: partition ${to} does not exist (HOOKFLEET_PARTITIONS=${partitions}: 0-${partitions - 1})`);
    for (let index = from; index <= to; index += 1) chosen.add(index);
  }
  return [...chosen].sort((a, b) => a - b);
}
