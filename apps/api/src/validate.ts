import type { z } from 'zod';
import { ValidationFailed } from '@hookfleet/core';

/** Parses with a zod schema; failure is a 400 that lists every field path (docs/contract.md, "Errors"). */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, message = 'invalid request'): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationFailed(
    message,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message })),
  );
}
