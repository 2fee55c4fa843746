/** Keywords whose values are data, not schemas: a `pattern` or `uniqueItems` inside them is a value like any other. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

/**
 * Calls `visit` on every object of a JSON Schema that is itself a schema (not data under `const`, `enum`, `default`
 * or `examples`), with its path below the root. The checks of a registered schema (event-type-schemas.ts,
 * event-type-patterns.ts) walk it with this one walk. With a stack: the body is at most 64 levels deep
 * (apps/api/src/json-body.ts), and a walk that recursed would still be one frame a level.
 */
export function forEachSchemaObject(schema: unknown, visit: (node: Record<string, unknown>, path: Array<string | number>) => void): void {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: schema, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: Array<string | number> };
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      value.forEach((child, index) => stack.push({ value: child, path: [...path, index] }));
      continue;
    }
    const node = value as Record<string, unknown>;
    visit(node, path);
    for (const [key, child] of Object.entries(node)) if (!DATA_KEYWORDS.has(key)) stack.push({ value: child, path: [...path, key] });
  }
}
