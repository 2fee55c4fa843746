import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Unauthorized } from '@hookfleet/core';
import type { TenantStore } from '@hookfleet/store';

/** What a signed portal token grants: one tenant, optionally narrowed to some subscriptions or one creator. */
export interface PortalSession {
  tenantId: string;
  /** Only these subscriptions (null: every subscription of the tenant). */
  subscriptionIds: string[] | null;
  /** Only subscriptions with this `created_by` (null: any). */
  createdBy: string | null;
  /** Epoch milliseconds. */
  expiresAt: number;
  /**
   * The SHA-256 of the tenant API key the session was opened with (absent: opened by the operator). The session ends
   * when that key stops working, so revoking a leaked key also ends the portal links and sessions opened with it.
   */
  keyHash?: string | undefined;
}

export type Principal = { kind: 'operator' } | { kind: 'tenant'; tenantId: string } | ({ kind: 'portal' } & PortalSession);

/** Checks portal tokens (apps/api/src/portal); routes that are not given one never accept a portal token. */
export interface PortalSessionVerifier {
  isPortalToken(credential: string): boolean;
  /** The session, or null when the token is forged, made by another fleet or expired. */
  verify(token: string): PortalSession | null;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/**
 * A constant-time check against one fixed secret whose hash is taken once: the operator token is compared on
 * every request, and hashing it each time was a measurable share of the ingest hot path.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const expectedHash = sha256(expected);
  return (given) => timingSafeEqual(sha256(given), expectedHash);
}

/** Pulls the credential out of the request; providers' own header styles are added by the compat routers. */
export type CredentialExtractor = (request: Request) => string | undefined;

export const bearerCredential: CredentialExtractor = (request) => {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1]?.trim();
};

/**
 * A token naming a tenant that is gone is as good as forged; one opened with a tenant key lasts no longer than the key
 * (rotated out and its grace over, revoked at once, or its tenant deleted).
 */
async function portalSessionOpen(tenants: TenantStore, session: PortalSession): Promise<boolean> {
  if (session.keyHash !== undefined) return (await tenants.tenantForKeyHash(session.keyHash)) === session.tenantId;
  return tenants.exists(session.tenantId);
}

export function authenticate(adminToken: string, tenants: TenantStore, extractors: CredentialExtractor[] = [bearerCredential], portalSessions?: PortalSessionVerifier) {
  const isAdminToken = secretMatcher(adminToken);
  return async (request: Request, response: Response, next: NextFunction) => {
    // An answer to credentials is that caller's alone and may hold a secret (a compat route's `secret_key`, a new
    // API key, a portal link): no cache, shared or the browser's, may keep it (docs/api.md, "Errors and limits").
    response.set('cache-control', 'no-store');
    try {
      const credential = extractors.map((extract) => extract(request)).find((value) => value);
      if (!credential) throw new Unauthorized('missing credentials');
      if (isAdminToken(credential)) {
        request.principal = { kind: 'operator' };
        return next();
      }
      if (portalSessions?.isPortalToken(credential)) {
        const session = portalSessions.verify(credential);
        if (!session || !(await portalSessionOpen(tenants, session))) throw new Unauthorized('portal session expired or not valid');
        request.principal = { kind: 'portal', ...session };
        return next();
      }
      const tenantId = await tenants.tenantForApiKey(credential);
      if (!tenantId) throw new Unauthorized('invalid credentials');
      request.principal = { kind: 'tenant', tenantId };
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function principalOf(request: Request): Principal {
  if (!request.principal) throw new Unauthorized('missing credentials');
  return request.principal;
}
