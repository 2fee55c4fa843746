import { describe, expect, it } from '@jest/globals';
import { createPublicKey, verify } from 'node:crypto';
import type { SigningKeyPair, StoredEvent, Subscription } from '@hookfleet/core';
import { signStandardWebhookV1a, v1aSignatureHeaders } from './signature-v1a.js';
import { generateSigningKeyPair, keyIdOf, liveSigningKeys, publicSigningKeys, rawKey, rotateSigningKeys, PUBLIC_KEY_PREFIX } from './signing-keys.js';
import { standardProfile } from './index.js';

// The v1a test vector of the Standard Webhooks reference libraries (their Go library signs it in its own tests).
const SPEC_VECTOR = {
  secretKey: 'VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=',
  messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: new Date(1614265330 * 1000),
  body: '{"test": 2432232314}',
  signature: 'v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==',
};

/** A receiver's check: node:crypto and the public JWK alone. */
function verifiesWithJwk(x: string, header: string, messageId: string, timestamp: string, body: string): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1a' && verify(null, Buffer.from(`${messageId}.${timestamp}.${body}`), key, Buffer.from(signature ?? '', 'base64'));
  });
}

const NOW = new Date('2026-12-04T12:00:00.000Z');
const keyA = generateSigningKeyPair(new Date('2026-12-01T00:00:00.000Z'));
const keyB = generateSigningKeyPair(NOW);
const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);
const rotated = rotateSigningKeys([keyA], keyB, NOW);

describe('v1a signatures (ed25519)', () => {
  it('signs the spec test vector to the expected signature, with or without the whsk_ prefix', () => {
    const { secretKey, messageId, timestamp, body, signature } = SPEC_VECTOR;
    expect(signStandardWebhookV1a(secretKey, messageId, timestamp, body)).toBe(signature);
    expect(signStandardWebhookV1a(`whsk_${secretKey}`, messageId, timestamp, body)).toBe(signature);
  });

  it('signs "id.timestamp.body" so that the public key alone verifies it, and a changed body does not', () => {
    const header = signStandardWebhookV1a(keyA.secret_key, 'dlv_1', NOW, '{"a":1}');
    const [jwk] = publicSigningKeys([keyA], NOW);
    const seconds = String(NOW.getTime() / 1000);
    expect(verifiesWithJwk(jwk!.x, header, 'dlv_1', seconds, '{"a":1}')).toBe(true);
    expect(verifiesWithJwk(jwk!.x, header, 'dlv_1', seconds, '{"a":2}')).toBe(false);
    expect(verifiesWithJwk(jwk!.x, header, 'dlv_2', seconds, '{"a":1}')).toBe(false);
  });

  it.each([
    ['a 31-byte key', Buffer.alloc(31, 1).toString('base64')],
    ['a 64-byte key', Buffer.alloc(64, 1).toString('base64')],
    ['an empty key', 'whsk_'],
  ])('refuses %s', (_label, secretKey) => {
    expect(() => signStandardWebhookV1a(secretKey, 'dlv_1', NOW, '{}')).toThrow(/32 bytes/);
  });
});

describe('signing key pairs', () => {
  it('come in the Standard Webhooks formats, the kid being the RFC 7638 thumbprint of the public key', () => {
    expect(keyA.secret_key).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(keyA.public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(keyA.kid).toBe(keyIdOf(rawKey(keyA.public_key, PUBLIC_KEY_PREFIX)));
    expect(keyA.kid).not.toBe(keyB.kid);
  });

  it('publishes only the public half, as JWKS members', () => {
    const published = publicSigningKeys([keyA], NOW);
    expect(published).toEqual([{ kid: keyA.kid, kty: 'OKP', crv: 'Ed25519', x: rawKey(keyA.public_key, PUBLIC_KEY_PREFIX).toString('base64url'), status: 'current' }]);
    expect(JSON.stringify(published)).not.toContain(keyA.secret_key.slice('whsk_'.length));
  });

  it.each([
    ['right after a rotation, both keys sign, the new one first', NOW, [keyB.kid, keyA.kid]],
    ['23 h later, the old key still signs', later(23), [keyB.kid, keyA.kid]],
    ['24 h later, only the new key signs', later(24), [keyB.kid]],
  ])('%s', (_label, at, kids) => {
    expect(liveSigningKeys(rotated, at).map((key) => key.kid)).toEqual(kids);
    expect(publicSigningKeys(rotated, at).map((key) => key.status)).toEqual(kids.length === 2 ? ['current', 'previous'] : ['current']);
  });

  it('marks the replaced key with the end of its grace, and keeps at most four replaced keys', () => {
    expect(rotated[1]).toEqual({ ...keyA, expires_at: later(24).toISOString() });
    let keys: SigningKeyPair[] = [keyA];
    for (let index = 0; index < 6; index += 1) keys = rotateSigningKeys(keys, generateSigningKeyPair(NOW), NOW);
    expect(keys).toHaveLength(5);
    expect(keys.filter((key) => key.expires_at === null)).toHaveLength(1);
  });

  it('gives each live key its own signature and key id, in the same order', () => {
    const headers = v1aSignatureHeaders(liveSigningKeys(rotated, NOW), 'dlv_1', NOW, '{}');
    expect(headers['webhook-key-id']).toBe(`${keyB.kid} ${keyA.kid}`);
    const signatures = (headers['webhook-signature'] ?? '').split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((signature) => signature.startsWith('v1a,'))).toBe(true);
    expect(() => v1aSignatureHeaders([], 'dlv_1', NOW, '{}')).toThrow(/no signing key/);
  });
});

describe('standard profile: signature v1a', () => {
  const event = { id: 'evt_1', type: 'invoice.paid', data: { invoice: 'inv_1' }, occurred_at: NOW.toISOString() } as StoredEvent;
  const subscription = { id: 'sub_1', tenant: 'ten_1', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signature: 'v1a' } as Subscription;

  it('signs with the live key pairs instead of the HMAC secret', () => {
    const request = standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription, attempt: 1, now: NOW, signingKeys: rotated });
    expect(request.headers['webhook-signature']).toMatch(/^v1a,\S+ v1a,\S+$/);
    expect(request.headers['webhook-key-id']).toBe(`${keyB.kid} ${keyA.kid}`);
    const [current] = publicSigningKeys(rotated, NOW);
    expect(verifiesWithJwk(current!.x, request.headers['webhook-signature'] ?? '', 'dlv_1', request.headers['webhook-timestamp'] ?? '', request.body)).toBe(true);
  });

  it('cannot be built without a key pair (the delivery is unbuildable, never sent unsigned)', () => {
    expect(() => standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription, attempt: 1, now: NOW })).toThrow(/no signing key/);
  });

  it('signs v1 as before when the subscription does not ask for v1a', () => {
    const request = standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription: { ...subscription, signature: 'v1' }, attempt: 1, now: NOW, signingKeys: rotated });
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    expect(request.headers['webhook-key-id']).toBeUndefined();
  });
});
