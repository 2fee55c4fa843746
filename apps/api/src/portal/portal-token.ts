import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PortalSession, PortalSessionVerifier } from '../auth.js';

export const PORTAL_TOKEN_PREFIX = 'hfp_';
/** @defaultValue one hour, as the portal issue asks */
export const DEFAULT_PORTAL_TTL_SECONDS = 3600;
/** Tokens are only ever this long-lived, whatever a caller asks for. */
export const MAX_PORTAL_TTL_SECONDS = 24 * 3600;

const claimsSchema = z.object({
  v: z.literal(1),
  tid: z.string().min(1),
  sub: z.array(z.string().min(1)).nullable(),
  by: z.string().min(1).nullable(),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string(),
  /** The SHA-256 of the tenant key that opened the session (PortalSession.keyHash); absent when the operator did. */
  kh: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
type PortalClaims = z.infer<typeof claimsSchema>;

export interface PortalScope {
  tenantId: string;
  subscriptionIds: string[] | null;
  createdBy: string | null;
  /** The SHA-256 of the tenant API key it is opened with: the session ends with that key (PortalSession.keyHash). */
  keyHash?: string | undefined;
}

/**
 * Signed, short-lived portal tokens: `hfp_<base64url claims>.<base64url HMAC-SHA256>`. The key is derived with HKDF
 * from HOOKFLEET_ADMIN_TOKEN, so every API process of a fleet agrees without storing anything, and a new admin
 * token ends every portal session at once; a token of another fleet never verifies.
 */
export class PortalTokens implements PortalSessionVerifier {
  private readonly key: Buffer;

  constructor(adminToken: string) {
    this.key = Buffer.from(hkdfSync('sha256', adminToken, 'hookfleet', 'hookfleet portal session v1', 32));
  }

  isPortalToken(credential: string): boolean {
    return credential.startsWith(PORTAL_TOKEN_PREFIX);
  }

  mint(scope: PortalScope, ttlSeconds = DEFAULT_PORTAL_TTL_SECONDS, now = Date.now()): { token: string; expiresAt: Date } {
    const issuedAt = Math.floor(now / 1000);
    const claims: PortalClaims = {
      v: 1,
      tid: scope.tenantId,
      sub: scope.subscriptionIds,
      by: scope.createdBy,
      iat: issuedAt,
      exp: issuedAt + Math.min(Math.max(1, Math.floor(ttlSeconds)), MAX_PORTAL_TTL_SECONDS),
      jti: randomBytes(9).toString('base64url'),
      ...(scope.keyHash !== undefined ? { kh: scope.keyHash } : {}),
    };
    const body = `${PORTAL_TOKEN_PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return { token: `${body}.${this.sign(body).toString('base64url')}`, expiresAt: new Date(claims.exp * 1000) };
  }

  verify(token: string, now = Date.now()): PortalSession | null {
    if (!token.startsWith(PORTAL_TOKEN_PREFIX) || token.length > 4096) return null;
    const dot = token.lastIndexOf('.');
    if (dot < 0) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.sign(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body.slice(PORTAL_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const claims = claimsSchema.safeParse(parsed);
    if (!claims.success) return null;
    const nowSeconds = now / 1000;
    // A minute of slack for clocks of API processes that disagree a little.
    if (claims.data.exp <= nowSeconds || claims.data.iat > nowSeconds + 60 || claims.data.exp - claims.data.iat > MAX_PORTAL_TTL_SECONDS) return null;
    const { tid, sub, by, exp, kh } = claims.data;
    return { tenantId: tid, subscriptionIds: sub, createdBy: by, expiresAt: exp * 1000, ...(kh !== undefined ? { keyHash: kh } : {}) };
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
