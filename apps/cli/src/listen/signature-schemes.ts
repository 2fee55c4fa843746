import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { verifyWebhook, type Ed25519Jwk } from '@hookfleet/client';

/**
 * What `listen` checks signatures with: a secret or key as typed (`--secret`), or one of a tenant's published public
 * keys as a JWK, whose `expires_at` says until when the fleet signs with it (`--tenant`).
 */
export type VerificationKey = string | Ed25519Jwk;

/** How one signing profile marks and signs a delivery. */
export interface SignatureScheme {
  profile: string;
  /** The header whose presence says this scheme signed the request (lowercase). */
  header: string;
  /** Throws when the request was not signed with this key (the message says why). */
  verify(key: VerificationKey, body: Buffer, headers: IncomingHttpHeaders): void;
  /** Which of the given keys this scheme can use. */
  accepts(key: VerificationKey): boolean;
  /** The `listen` flag that gives such a key, for a delivery none of the given keys can check. */
  keyFlag: string;
}

const PUBLIC_KEY_PREFIX = 'whpk_';

function isPublicKey(key: VerificationKey): boolean {
  return typeof key !== 'string' || key.startsWith(PUBLIC_KEY_PREFIX);
}

export type SignatureVerdict = 'verified' | 'invalid' | 'unchecked' | 'unsigned';

export interface SignatureCheck {
  /** The profile whose signature header the request carries; null when it carries none we know. */
  profile: string | null;
  verdict: SignatureVerdict;
  /** Why an invalid signature is invalid. */
  error: string | null;
  /**
   * Only when `unchecked`: the flag whose key would check it. A `v1a` delivery to a listener given only a `whsec_`
   * secret is unchecked too, and "pass --secret" would send the person back to the flag they gave.
   */
  needs?: string;
}

/** Standard Webhooks, through the SDK's own verifier: what a receiver using @hookfleet/client would check. */
export const standardScheme: SignatureScheme = {
  profile: 'standard',
  header: 'webhook-signature',
  verify(secret, body, headers) {
    verifyWebhook(secret, body, headers);
  },
  accepts: (key) => !isPublicKey(key),
  keyFlag: '--secret whsec_…',
};

/**
 * Standard Webhooks `v1a` (ed25519): marked by the key ids hookfleet sends beside the signatures, checked by the SDK
 * with the tenant's public keys (`whpk_…` or published JWKs), never with a key the request names. A JWK keeps its
 * `expires_at`: a signature made after it is not the fleet's, and the SDK refuses it.
 */
export const standardV1aScheme: SignatureScheme = {
  profile: 'standard',
  header: 'webhook-key-id',
  verify(publicKey, body, headers) {
    verifyWebhook(publicKey, body, headers);
  },
  accepts: isPublicKey,
  keyFlag: '--tenant <its tenant> or --secret whpk_…: it is signed v1a (ed25519), which no whsec_ secret checks',
};

function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

function sameText(expected: string, received: string): boolean {
  const [left, right] = [Buffer.from(expected), Buffer.from(received)];
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A scheme whose header carries a signature the profile's own `sign` can remake from the secret, the exact body
 * and the header as received (for a timestamp inside it); compared in constant time.
 */
export function remadeSignatureScheme(profile: string, header: string, sign: (secret: string, body: string, received: string) => string): SignatureScheme {
  const name = header.toLowerCase();
  return {
    profile,
    header: name,
    // Only a secret given as text: a published public key signs v1a deliveries alone.
    accepts: (key) => typeof key === 'string',
    keyFlag: '--secret',
    verify(secret, body, headers) {
      if (typeof secret !== 'string') throw new Error(`${header} is checked with a secret, not a public key`);
      const received = headerText(headers, name);
      if (!sameText(sign(secret, body.toString('utf8'), received), received)) throw new Error(`${header} does not match the body signed with this secret`);
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Which scheme signed the request, and whether one of the keys verifies it. */
export function checkSignature(schemes: readonly SignatureScheme[], keys: readonly VerificationKey[], body: Buffer, headers: IncomingHttpHeaders): SignatureCheck {
  const scheme = schemes.find((candidate) => headers[candidate.header] !== undefined);
  if (!scheme) return { profile: null, verdict: 'unsigned', error: null };
  const usable = keys.filter((key) => scheme.accepts(key));
  if (usable.length === 0) return { profile: scheme.profile, verdict: 'unchecked', error: null, needs: scheme.keyFlag };
  let lastError = '';
  for (const key of usable) {
    try {
      scheme.verify(key, body, headers);
      return { profile: scheme.profile, verdict: 'verified', error: null };
    } catch (error) {
      lastError = firstLine(error);
    }
  }
  return { profile: scheme.profile, verdict: 'invalid', error: lastError };
}
