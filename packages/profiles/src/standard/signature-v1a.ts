import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { SigningKeyPair } from '@hookfleet/core';
import { rawKey, SECRET_KEY_PREFIX } from './signing-keys.js';

// RFC 8410: the PKCS#8 DER prefix of a raw ed25519 private key, the way node:crypto imports 32 raw bytes.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// Importing a key costs more than signing with it: one KeyObject per key, bounded like the HMAC signers.
const privateKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 10_000;

function privateKeyFor(secretKey: string): KeyObject {
  let key = privateKeys.get(secretKey);
  if (!key) {
    if (privateKeys.size >= MAX_CACHED_KEYS) privateKeys.clear();
    key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, rawKey(secretKey, SECRET_KEY_PREFIX)]), format: 'der', type: 'pkcs8' });
    privateKeys.set(secretKey, key);
  }
  return key;
}

/** `v1a,<base64 ed25519 signature of "id.timestamp.body">`, as Standard Webhooks defines it; `whsk_` optional. */
export function signStandardWebhookV1a(secretKey: string, messageId: string, timestamp: Date, body: string): string {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1a,${sign(null, Buffer.from(`${messageId}.${seconds}.${body}`), privateKeyFor(secretKey)).toString('base64')}`;
}

/**
 * The `webhook-signature` and `webhook-key-id` headers of a `v1a` delivery: one signature per live key (the current
 * one first), space-separated as the spec allows, and their key ids in the same order.
 */
export function v1aSignatureHeaders(keys: readonly SigningKeyPair[], messageId: string, timestamp: Date, body: string): Record<string, string> {
  if (keys.length === 0) throw new Error('the tenant has no signing key for v1a signatures');
  return {
    'webhook-signature': keys.map((key) => signStandardWebhookV1a(key.secret_key, messageId, timestamp, body)).join(' '),
    'webhook-key-id': keys.map((key) => key.kid).join(' '),
  };
}
