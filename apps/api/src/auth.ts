import { timingSafeEqual, createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Forbidden, Unauthorized } from '@hookfleet/core';
import type { TenantStore } from '@hookfleet/store';

export type Principal = { kind: 'operator' } | { kind: 'tenant'; tenantId: string };

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Constant-time comparison of two secrets of any length (both hashed first, so lengths leak nothing). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Pulls the credential out of the request; providers' own header styles are added by the compat routers. */
export type CredentialExtractor = (request: Request) => string | undefined;

export const bearerCredential: CredentialExtractor = (request) => {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1]?.trim();
};

export function authenticate(adminToken: string, tenants: TenantStore, extractors: CredentialExtractor[] = [bearerCredential]) {
  return async (request: Request, _response: Response, next: NextFunction) => {
    try {
      const credential = extractors.map((extract) => extract(request)).find((value) => value);
      if (!credential) throw new Unauthorized('missing credentials');
      if (secretsEqual(credential, adminToken)) {
        request.principal = { kind: 'operator' };
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

export function requireOperator(request: Request): void {
  if (request.principal?.kind !== 'operator') throw new Forbidden('operator token required');
}

export function principalOf(request: Request): Principal {
  if (!request.principal) throw new Unauthorized('missing credentials');
  return request.principal;
}
