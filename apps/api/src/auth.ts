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

/** Constant-time comparison of two secrets of any length (both hashed first, so lengths leak nothing). */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

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

export function authenticate(adminToken: string, tenants: TenantStore, extractors: CredentialExtractor[] = [bearerCredential], portalSessions?: PortalSessionVerifier) {
  const isAdminToken = secretMatcher(adminToken);
  return async (request: Request, _response: Response, next: NextFunction) => {
    try {
      const credential = extractors.map((extract) => extract(request)).find((value) => value);
      if (!credential) throw new Unauthorized('missing credentials');
      if (isAdminToken(credential)) {
        request.principal = { kind: 'operator' };
        return next();
      }
      if (portalSessions?.isPortalToken(credential)) {
        const session = portalSessions.verify(credential);
        // A token naming a tenant that is gone is as good as forged.
        if (!session || !(await tenants.exists(session.tenantId))) throw new Unauthorized('portal session expired or not valid');
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
