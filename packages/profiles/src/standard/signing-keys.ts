import { createHash, generateKeyPairSync } from 'node:crypto';
import type { PublicSigningKey, SigningKeyPair } from '@hookfleet/core';
import { SECRET_GRACE_MS } from '../signing-secrets.js';

/** Standard Webhooks' serialization of an ed25519 key pair: base64 of the raw keys behind these prefixes. */
export const SECRET_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

/** Replaced keys kept published at once, beside the current one (as for subscription secrets). */
const MAX_PREVIOUS_KEYS = 4;

/** The raw 32 bytes behind a `whsk_` / `whpk_` key (the prefix is optional, as in the spec's libraries). */
export function rawKey(serialized: string, prefix: string): Buffer {
  const raw = Buffer.from(serialized.startsWith(prefix) ? serialized.slice(prefix.length) : serialized, 'base64');
  if (raw.length !== 32) throw new Error(`an ed25519 key is 32 bytes, this one ${raw.length}`);
  return raw;
}

/** RFC 7638 thumbprint of the public JWK: the same key always gets the same id, on every process. */
export function keyIdOf(rawPublicKey: Buffer): string {
  const canonical = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: rawPublicKey.toString('base64url') });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A new key pair from node:crypto, in the Standard Webhooks formats. */
export function generateSigningKeyPair(now: Date = new Date()): SigningKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(String(jwk.d), 'base64url');
  const publicKey = Buffer.from(String(jwk.x), 'base64url');
  return {
    kid: keyIdOf(publicKey),
    secret_key: `${SECRET_KEY_PREFIX}${seed.toString('base64')}`,
    public_key: `${PUBLIC_KEY_PREFIX}${publicKey.toString('base64')}`,
    created_at: now.toISOString(),
    expires_at: null,
  };
}

/** The keys that sign at `now`: the current one first, then every replaced one whose grace has not ended. */
export function liveSigningKeys(keys: readonly SigningKeyPair[], now: Date): SigningKeyPair[] {
  return keys.filter((key) => key.expires_at === null || Date.parse(key.expires_at) > now.getTime());
}

/** After a rotation: `next` signs at once; the old current key signs alongside and stays published for the grace. */
export function rotateSigningKeys(keys: readonly SigningKeyPair[], next: SigningKeyPair, now: Date): SigningKeyPair[] {
  const expiresAt = new Date(now.getTime() + SECRET_GRACE_MS).toISOString();
  const previous = liveSigningKeys(keys, now).map((key) => (key.expires_at === null ? { ...key, expires_at: expiresAt } : key));
  return [next, ...previous.slice(0, MAX_PREVIOUS_KEYS)];
}

/** The public half of each live key, as JWKS members (the private key never leaves this function's input). */
export function publicSigningKeys(keys: readonly SigningKeyPair[], now: Date): PublicSigningKey[] {
  return liveSigningKeys(keys, now).map((key) => ({
    kid: key.kid,
    kty: 'OKP' as const,
    crv: 'Ed25519' as const,
    x: rawKey(key.public_key, PUBLIC_KEY_PREFIX).toString('base64url'),
    status: key.expires_at === null ? ('current' as const) : ('previous' as const),
    ...(key.expires_at === null ? {} : { expires_at: key.expires_at }),
  }));
}
