/** How deeply a JSON value may nest (objects and arrays) before it is refused: far beyond any real payload. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests deeper than `maxDepth`; iterative, so a hostile depth cannot overflow the stack. */
export function nestsDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
