import type { z } from 'zod';
import { parsePlainly, toIssueDetails, type IssueDetail } from '@hookfleet/core';
import { HookfleetValidationError } from './errors.js';

/** The API's own plain messages (packages/core, plain-messages.ts), so a user reads the same words either side. */
function toIssues(error: z.ZodError, pathPrefix: ReadonlyArray<string | number>): IssueDetail[] {
  return toIssueDetails(error.issues, pathPrefix);
}

/** Checks input with the schema the API applies, before anything is sent; paths as the API names them. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, what: string): z.output<Schema> {
  const result = parsePlainly(schema, value);
  if (result.success) return result.data;
  throw new HookfleetValidationError(what, toIssues(result.error, []));
}

/** Checks every item, so one error lists every bad item (`events.3.type`), and nothing is sent unless all pass. */
export function parseEach<Schema extends z.ZodType>(schema: Schema, values: readonly unknown[], what: string, pathPrefix: string): Array<z.output<Schema>> {
  const parsed: Array<z.output<Schema>> = [];
  const issues: IssueDetail[] = [];
  values.forEach((value, index) => {
    const result = parsePlainly(schema, value);
    if (result.success) parsed.push(result.data);
    else issues.push(...toIssues(result.error, [pathPrefix, index]));
  });
  if (issues.length > 0) throw new HookfleetValidationError(what, issues);
  return parsed;
}
