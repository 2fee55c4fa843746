import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { verifyWebhook } from '@hookfleet/client';

/** How one signing profile marks and signs a delivery. */
export interface SignatureScheme {
  profile: string;
  /** The header whose presence says this scheme signed the request (lowercase). */
  header: string;
  /** Throws when the request was not signed with this secret (the message says why). */
  verify(secret: string, body: Buffer, headers: IncomingHttpHeaders): void;
  /** Which of the given secrets this scheme can use; absent = all of them. */
  accepts?(secret: string): boolean;
}

export type SignatureVerdict = 'verified' | 'invalid' | 'unchecked' | 'unsigned';

export interface SignatureCheck {
  /** The profile whose signature header the request carries; null when it carries none we know. */
  profile: string | null;
  verdict: SignatureVerdict;
  /** Why an invalid signature is invalid. */
  error: string | null;
}

/** Standard Webhooks, through the SDK's own verifier: what a receiver using @hookfleet/client would check. */
export const standardScheme: SignatureScheme = {
  profile: 'standard',
  header: 'webhook-signature',
  verify(secret, body, headers) {
    verifyWebhook(secret, body, headers);
  },
  accepts: (secret) => !secret.startsWith(PUBLIC_KEY_PREFIX),
};

const PUBLIC_KEY_PREFIX = 'whpk_';

/**
 * Standard Webhooks `v1a` (ed25519): marked by the key ids hookfleet sends beside the signatures, checked by the SDK
 * with the tenant's public keys (`whpk_…`), never with a key the request names.
 */
export const standardV1aScheme: SignatureScheme = {
  profile: 'standard',
  header: 'webhook-key-id',
  verify(publicKey, body, headers) {
    verifyWebhook(publicKey, body, headers);
  },
  accepts: (secret) => secret.startsWith(PUBLIC_KEY_PREFIX),
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
    verify(secret, body, headers) {
      const received = headerText(headers, name);
      if (!sameText(sign(secret, body.toString('utf8'), received), received)) throw new Error(`${header} does not match the body signed with this secret`);
    },
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Which scheme signed the request, and whether one of the secrets verifies it. */
export function checkSignature(schemes: readonly SignatureScheme[], secrets: readonly string[], body: Buffer, headers: IncomingHttpHeaders): SignatureCheck {
  const scheme = schemes.find((candidate) => headers[candidate.header] !== undefined);
  if (!scheme) return { profile: null, verdict: 'unsigned', error: null };
  const usable = scheme.accepts ? secrets.filter((secret) => scheme.accepts?.(secret)) : secrets;
  if (usable.length === 0) return { profile: scheme.profile, verdict: 'unchecked', error: null };
  let lastError = '';
  for (const secret of usable) {
    try {
      scheme.verify(secret, body, headers);
      return { profile: scheme.profile, verdict: 'verified', error: null };
    } catch (error) {
      lastError = firstLine(error);
    }
  }
  return { profile: scheme.profile, verdict: 'invalid', error: lastError };
}
