// Pure numbers for the benchmark: percentiles, rates, medians. No I/O, so bench.test.ts can table-test them.

/**
 * The nearest-rank percentile: the smallest value with at least p % of the values at or below it.
 * @param {ArrayLike<number>} values any order; not modified
 * @param {number} p 0..100
 * @returns {number | null} null for no values
 */
export function percentile(values, p) {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return percentileOfSorted(sorted, p);
}

/**
 * @param {ArrayLike<number>} sorted ascending
 * @param {number} p 0..100
 */
export function percentileOfSorted(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/**
 * @param {ArrayLike<number>} values
 * @returns {{ count: number, min: number | null, p50: number | null, p99: number | null, max: number | null, mean: number | null }}
 */
export function summarize(values) {
  if (values.length === 0) return { count: 0, min: null, p50: null, p99: null, max: null, mean: null };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    min: sorted[0] ?? null,
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1] ?? null,
    mean: sum / sorted.length,
  };
}

/** The middle value (mean of the two middle ones for an even count); null when empty or every value is null. */
export function median(values) {
  const present = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b);
  if (present.length === 0) return null;
  const middle = present.length >> 1;
  return present.length % 2 === 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2;
}

/**
 * Events per second over a window given in milliseconds.
 * @returns {number | null} null when the window is empty or negative
 */
export function ratePerSecond(count, startMs, endMs) {
  const seconds = (endMs - startMs) / 1000;
  if (!(seconds > 0) || !(count >= 0)) return null;
  return count / seconds;
}

/** a / b, or null when either is missing or b is zero. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/**
 * The median over a scenario's rounds of each round's own ratio to b1 and to b2 (null where no round has the
 * baseline): hookfleet and a baseline measured in the same round, not the medians of each, which may pair figures
 * of different rounds on this noisy machine.
 * @param {Array<{ perS: number | null, base: { b1: number | null, b2: number | null } }>} rounds
 */
export function inRunRatios(rounds) {
  const of = (baseline) => median(rounds.map(({ perS, base }) => ratio(perS, base[baseline])).filter((value) => value !== null));
  return { ratioB1: of('b1'), ratioB2: of('b2') };
}

/** Rounds to `digits` decimals; null stays null. */
export function round(value, digits = 0) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Largest relative spread of a set of rates: (max − min) / max; 0 for one value, null for none. */
export function spread(values) {
  const present = values.filter((value) => typeof value === 'number' && Number.isFinite(value) && value > 0);
  if (present.length === 0) return null;
  const max = Math.max(...present);
  const min = Math.min(...present);
  return (max - min) / max;
}

/**
 * Delivery accounting: which expected ids arrived, which are missing, how many arrived more than once.
 * @param {Iterable<string>} expected
 * @param {Iterable<string>} arrived every arrival, repeats included
 */
export function reconcile(expected, arrived) {
  const seen = new Map();
  for (const id of arrived) seen.set(id, (seen.get(id) ?? 0) + 1);
  let missing = 0;
  let expectedCount = 0;
  let duplicates = 0;
  const expectedSet = new Set();
  for (const id of expected) {
    expectedCount += 1;
    expectedSet.add(id);
    const times = seen.get(id) ?? 0;
    if (times === 0) missing += 1;
    else if (times > 1) duplicates += times - 1;
  }
  let unexpected = 0;
  for (const id of seen.keys()) if (!expectedSet.has(id)) unexpected += 1;
  return { expected: expectedCount, missing, duplicates, unexpected };
}

/** The key, beside a process's own, of the part of its CPU spent off its main thread (processes.mjs, backgroundCpuSeconds). */
export const backgroundKey = (name) => `${name} background`;

/** CPU figures by process, "worker 88 (20 of it off the main thread), redis 28": each with its background part. */
export function cpuFigures(cpu, format) {
  return Object.entries(cpu)
    .filter(([name]) => !name.endsWith(backgroundKey('')))
    .map(([name, value]) => {
      const background = cpu[backgroundKey(name)];
      return `${name} ${format(value)}${background === undefined ? '' : ` (${format(background)} of it off the main thread)`}`;
    })
    .join(', ');
}
