import type { z } from 'zod';
import { parsePlainly, toIssueDetails, ValidationFailed } from '@hookfleet/core';

/** Parses with a zod schema; failure is a 400 that lists every field path with a plain message (docs/contract.md, "Errors"). */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, message = 'invalid request'): z.infer<Schema> {
  const result = parsePlainly(schema, value);
  if (result.success) return result.data;
  throw new ValidationFailed(message, toIssueDetails(result.error.issues));
}
