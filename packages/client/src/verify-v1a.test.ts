import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import { verifyWebhook } from './verify.js';

const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2025-01-01T00:00:00.000Z', data: { total: 42 } });

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x: String(jwk.x), kid }, whpk: `whpk_${Buffer.from(String(jwk.x), 'base64url').toString('base64')}` };
}

const current = keyPair('kid-current');
const previous = keyPair('kid-previous');

function signedHeaders(payload: string, signers: Array<ReturnType<typeof keyPair>>, at = new Date()): Record<string, string> {
  const id = 'dlv_test';
  const seconds = Math.floor(at.getTime() / 1000);
  const signatures = signers.map((signer) => `v1a,${sign(null, Buffer.from(`${id}.${seconds}.${payload}`), signer.privateKey).toString('base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': signatures.join(' '), 'webhook-key-id': signers.map((signer) => signer.jwk.kid).join(' ') };
}

describe('verifyWebhook with a public key (v1a)', () => {
  it.each([
    ['a whpk_ key', current.whpk],
    ['a JWK', current.jwk],
    ['a list of JWKs', [previous.jwk, current.jwk]],
    ['a JWKS document', { keys: [current.jwk] }],
  ])('returns the payload of a delivery signed by the key, given %s', (_label, key) => {
    expect(verifyWebhook(key, body, signedHeaders(body, [current]))).toEqual(JSON.parse(body));
  });

  it('accepts a delivery signed by the current and the previous key with either one (a rotation)', () => {
    const headers = signedHeaders(body, [current, previous]);
    expect(verifyWebhook(current.jwk, body, headers)).toMatchObject({ type: 'invoice.paid' });
    expect(verifyWebhook(previous.whpk, body, headers)).toMatchObject({ type: 'invoice.paid' });
  });

  it.each([
    ['a tampered body', body.replace('42', '4200'), signedHeaders(body, [current])],
    ['another key', body, signedHeaders(body, [previous])],
    ['a timestamp 6 minutes old', body, signedHeaders(body, [current], new Date(Date.now() - 6 * 60_000))],
    ['a v1 signature only', body, { ...signedHeaders(body, [current]), 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' }],
    ['no webhook-id', body, { ...signedHeaders(body, [current]), 'webhook-id': '' }],
  ])('rejects %s', (_label, received, headers) => {
    expect(() => verifyWebhook(current.jwk, received, headers)).toThrow(WebhookVerificationError);
  });

  it("refuses a signature by a kept JWKS document's previous key made after its expires_at, and says to fetch the keys again", () => {
    const at = new Date();
    const expiredBefore = new Date(at.getTime() - 60_000).toISOString();
    const jwks = { keys: [{ ...current.jwk, status: 'current' }, { ...previous.jwk, status: 'previous', expires_at: expiredBefore }] };
    expect(() => verifyWebhook(jwks, body, signedHeaders(body, [previous], at))).toThrow(/No matching v1a signature/);
    expect(verifyWebhook(jwks, body, signedHeaders(body, [current, previous], at))).toMatchObject({ type: 'invoice.paid' });
    expect(() => verifyWebhook({ keys: [{ ...previous.jwk, expires_at: expiredBefore }] }, body, signedHeaders(body, [previous], at))).toThrow(
      /expired when this was signed; fetch the tenant's signing keys again/,
    );
    // Still live when it signed: accepted.
    const laterExpiry = new Date(at.getTime() + 60_000).toISOString();
    expect(verifyWebhook({ keys: [{ ...previous.jwk, expires_at: laterExpiry }] }, body, signedHeaders(body, [previous], at))).toMatchObject({ type: 'invoice.paid' });
  });

  it('refuses a public key that is not 32 bytes', () => {
    expect(() => verifyWebhook('whpk_AAAA', body, signedHeaders(body, [current]))).toThrow(/32 bytes/);
  });
});
