import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';

/** One Ed25519 public key as a JWK (a member of hookfleet's JWKS document). */
export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** base64url of the raw 32-byte public key. */
  x: string;
  kid?: string;
  /** A rotated-out key, as the fleet publishes it: it signs until then, and a signature it makes later is refused. */
  expires_at?: string;
}

/**
 * A public key a `v1a` delivery is checked with: a `whpk_…` key, one JWK, several, or the whole JWKS document
 * (`GET /v1/tenants/:id/signing-keys`). Each is trusted: pass keys you fetched from the fleet, never from a request.
 */
export type WebhookPublicKey = string | Ed25519Jwk | readonly Ed25519Jwk[] | { keys: readonly Ed25519Jwk[] };

const PUBLIC_KEY_PREFIX = 'whpk_';
const TOLERANCE_SECONDS = 5 * 60;

export function isPublicKey(key: WebhookPublicKey | string): key is WebhookPublicKey {
  return typeof key !== 'string' || key.startsWith(PUBLIC_KEY_PREFIX);
}

function jwksOf(key: WebhookPublicKey): Ed25519Jwk[] {
  if (typeof key === 'string') {
    const raw = Buffer.from(key.slice(PUBLIC_KEY_PREFIX.length), 'base64');
    if (raw.length !== 32) throw new WebhookVerificationError(`webhook public key unusable: an ed25519 key is 32 bytes, this one ${raw.length}`);
    return [{ kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }];
  }
  // Checked first: an array has a `keys` method of its own.
  if (Array.isArray(key)) return [...(key as readonly Ed25519Jwk[])];
  return 'keys' in key ? [...(key as { keys: readonly Ed25519Jwk[] }).keys] : [key as Ed25519Jwk];
}

/**
 * The keys that could have signed at `signedAtMs`. A JWKS document kept by the receiver still lists a rotated-out
 * key after its `expires_at`; the fleet no longer signs with it then, so a signature by it is someone else's.
 */
function keysLiveAt(jwks: readonly Ed25519Jwk[], signedAtMs: number): Ed25519Jwk[] {
  const live = jwks.filter((jwk) => jwk.expires_at === undefined || !(Date.parse(jwk.expires_at) < signedAtMs));
  if (live.length === 0 && jwks.length > 0) {
    throw new WebhookVerificationError("webhook rejected: every public key given had expired when this was signed; fetch the tenant's signing keys again");
  }
  return live;
}

function keyObjectsOf(key: WebhookPublicKey, signedAtMs: number): KeyObject[] {
  try {
    return keysLiveAt(jwksOf(key), signedAtMs).map(({ kty, crv, x }) => createPublicKey({ key: { kty, crv, x }, format: 'jwk' }));
  } catch (error) {
    if (error instanceof WebhookVerificationError) throw error;
    throw new WebhookVerificationError(`webhook public key unusable: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Standard Webhooks `v1a`: one of the space-separated `v1a,<base64>` signatures is an ed25519 signature of
 * "id.timestamp.body" by one of the keys, and the timestamp is within 5 minutes. Throws WebhookVerificationError.
 */
export function verifyV1a(key: WebhookPublicKey, payload: Buffer, headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>, now = Date.now()): void {
  const seconds = Number(headers['webhook-timestamp']);
  if (!Number.isInteger(seconds)) throw new WebhookVerificationError('webhook rejected: Invalid Signature Headers');
  if (Math.abs(now / 1000 - seconds) > TOLERANCE_SECONDS) throw new WebhookVerificationError('webhook rejected: Message timestamp too old or too new');
  const signed = Buffer.concat([Buffer.from(`${headers['webhook-id']}.${seconds}.`), payload]);
  const publicKeys = keyObjectsOf(key, seconds * 1000);
  const signatures = headers['webhook-signature']
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, signature]) => version === 'v1a' && signature)
    .map(([, signature]) => Buffer.from(signature as string, 'base64'));
  if (!signatures.some((signature) => publicKeys.some((publicKey) => verify(null, signed, publicKey, signature)))) {
    throw new WebhookVerificationError('webhook rejected: No matching v1a signature found');
  }
}
