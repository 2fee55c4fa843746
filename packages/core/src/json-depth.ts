/** How deeply a JSON value may nest (objects and arrays) before it is refused: far beyond any real payload. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests deeper than `maxDepth`; iterative, so a hostile depth cannot overflow the stack. Two parallel
 * stacks, not a pair per value: every ingested body and every event's data is walked, and a tuple per object was most
 * of the walk's cost.
 */
export function nestsDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return true;
    if (Array.isArray(current)) {
      for (const child of current as unknown[]) {
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child = (current as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object') {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** A path segment list shared by its children: walking a deep value copies no arrays. */
interface PathNode {
  parent: PathNode | null;
  key: string;
}

function pathOf(node: PathNode | null): string[] {
  const keys: string[] = [];
  for (let current = node; current; current = current.parent) keys.push(current.key);
  return keys.reverse();
}

/**
 * The path (keys and array indexes) of the first object or array that nests deeper than `maxDepth`, or null when none
 * does; iterative, so a 10,000-level body is refused without a recursive walk.
 */
export function pathDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): string[] | null {
  // Nearly every body is shallow: the allocation-free check answers those, and only a deep one is walked for its path.
  if (!nestsDeeperThan(value, maxDepth)) return null;
  const stack: Array<[unknown, number, PathNode | null]> = [[value, 1, null]];
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop() as [unknown, number, PathNode | null];
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return pathOf(path);
    const entries: Array<[string, unknown]> = Array.isArray(current) ? current.map((child, index) => [String(index), child]) : Object.entries(current);
    for (const [key, child] of entries) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1, { parent: path, key }]);
    }
  }
  return null;
}
