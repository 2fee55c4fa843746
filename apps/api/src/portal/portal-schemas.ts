import { z } from 'zod';
import { DEFAULT_PORTAL_TTL_SECONDS, MAX_PORTAL_TTL_SECONDS } from './portal-token.js';

/** A token carries its subscription ids, and must fit in a cookie. */
export const MAX_PORTAL_SUBSCRIPTIONS = 50;

export const portalSessionCreateSchema = z
  .object({
    /** The operator names the tenant; a tenant key implies it. */
    tenant: z.string().min(1).max(100).optional(),
    subscriptions: z.array(z.string().min(1).max(100)).min(1).max(MAX_PORTAL_SUBSCRIPTIONS).optional(),
    created_by: z.string().min(1).max(200).optional(),
    expires_in: z.number().int().min(60).max(MAX_PORTAL_TTL_SECONDS).default(DEFAULT_PORTAL_TTL_SECONDS).describe('seconds the link works (default 3600)'),
  })
  .strict();
export type PortalSessionCreate = z.infer<typeof portalSessionCreateSchema>;

/** Opening the portal with a tenant key or the operator token (the operator names the tenant). */
export const portalSignInSchema = z.object({ tenant: z.string().min(1).max(100).optional() }).strict();
