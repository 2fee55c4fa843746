import { z } from 'zod';
import type { OperationStatus } from './domain.js';
import { boundedJson, listQuerySchema } from './schemas.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A point in time as ISO-8601, or a duration before now (`30m`, `2h`, `7d`); resolves to epoch milliseconds. */
export const timeOrDuration = z
  .string()
  .max(100)
  .transform((value, context) => {
    const duration = DURATION.exec(value.trim());
    if (duration) return Date.now() - Number(duration[1]) * (UNIT_MS[duration[2] as string] as number);
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) {
      context.addIssue({ code: 'custom', message: 'an ISO-8601 time or a duration such as 30m, 2h, 7d' });
      return z.NEVER;
    }
    return parsed;
  });

/** A window that ends before it starts (`since=5m&until=10m`) is a caller's slip, not an empty answer: refused at `until`. */
function endsAfterItStarts(window: { since?: number | undefined; until?: number | undefined }, context: z.RefinementCtx): void {
  if (window.since !== undefined && window.until !== undefined && window.until < window.since) {
    context.addIssue({ code: 'custom', path: ['until'], message: 'must be after since' });
  }
}

export const eventListQuerySchema = z.object({
  tenant: z.string().max(100).optional(),
  since: timeOrDuration.optional(),
  until: timeOrDuration.optional(),
  type: z.string().max(200).optional(),
  profile: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
}).superRefine(endsAfterItStarts);

export const deliveryStatusSchema = z.enum(['pending', 'delivered', 'failed', 'dead']);

export const deliveryListQuerySchema = z.object({
  subscription: z.string().min(1).max(100),
  status: deliveryStatusSchema.optional(),
  since: timeOrDuration.optional(),
  until: timeOrDuration.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
}).superRefine(endsAfterItStarts);

export const recoverSchema = z.object({ since: timeOrDuration, until: timeOrDuration.optional() }).strict().superRefine(endsAfterItStarts);
export const replaySchema = z
  .object({ since: timeOrDuration, until: timeOrDuration.optional(), types: z.array(z.string().min(1).max(200)).max(500).optional() })
  .strict()
  .superRefine(endsAfterItStarts);
export const operationStatusSchema = z.enum(['running', 'done', 'failed', 'canceled'] as const satisfies readonly OperationStatus[]);
/** `GET /v1/subscriptions/:id/operations`: a page, newest first; `cursor` is the position of the page before's last (page-cursor.ts in the store). */
export const operationListQuerySchema = listQuerySchema.pick({ limit: true, cursor: true });
export const testDeliverySchema = z.object({ type: z.string().min(1).max(200).optional(), data: boundedJson.optional() }).strict();
export const eventTypesQuerySchema = z.object({ profile: z.string().max(50).optional() });
