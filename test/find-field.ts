/**
 * The first value of `field` anywhere in a JSON answer, depth first: a compat answer's id, whatever the provider's
 * envelope around it (Paybook's `response`, Paymo's `hooks` list). A helper, not a test file.
 */
export function findField(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((item) => findField(item, field)).find((found) => found !== undefined);
  if (value && typeof value === 'object') {
    if (field in value) return (value as Record<string, unknown>)[field];
    return Object.values(value).map((item) => findField(item, field)).find((found) => found !== undefined);
  }
  return undefined;
}
