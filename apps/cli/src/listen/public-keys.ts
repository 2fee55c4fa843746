import type { Ed25519Jwk, SigningKeySet } from '@hookfleet/client';

/**
 * A tenant's published keys as the JWKs the SDK verifies with, beside any `--secret`: a rotated-out key keeps signing
 * alongside the new one for 24 h, so the keys fetched when `listen` starts go on verifying through a rotation, and
 * each keeps its `expires_at`, so a signature a rotated-out key made after it is refused, as the fleet no longer signs
 * with it then.
 */
export function publicKeysOf(keySet: SigningKeySet): Ed25519Jwk[] {
  return keySet.keys.map(({ kty, crv, x, kid, expires_at }) => ({ kty, crv, x, kid, ...(expires_at !== undefined ? { expires_at } : {}) }));
}
