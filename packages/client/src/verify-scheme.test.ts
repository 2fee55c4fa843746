import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookVerificationError } from './errors.js';
import { verifyWebhook } from './verify.js';

// A v1a subscription keeps a whsec_ secret (docs/api.md), so a receiver may well pass it; and the other way round.
const secret = `whsec_${Buffer.from('a test secret of enough length').toString('base64')}`;
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwk = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: String(publicKey.export({ format: 'jwk' }).x) };
const body = JSON.stringify([{ id: 'dlv_1', type: 'invoice.paid', timestamp: '2025-01-01T00:00:00.000Z', data: { total: 42 } }]);
const id = 'batch_test';
const seconds = Math.floor(Date.now() / 1000);
const v1aHeaders = {
  'webhook-id': id,
  'webhook-timestamp': String(seconds),
  'webhook-signature': `v1a,${sign(null, Buffer.from(`${id}.${seconds}.${body}`), privateKey).toString('base64')}`,
};
const v1Headers = { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': new Webhook(secret).sign(id, new Date(seconds * 1000), body) };

describe('verifyWebhook given a key of the other signature scheme', () => {
  it('says a v1a delivery needs the public keys, not the whsec_ secret', () => {
    expect(verifyWebhook(jwk, body, v1aHeaders)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(secret, body, v1aHeaders)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, body, v1aHeaders)).toThrow(/signed v1a \(ed25519\) only.*public keys/);
  });

  it('says a v1 delivery needs the whsec_ secret, not a public key', () => {
    expect(verifyWebhook(secret, body, v1Headers)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(jwk, body, v1Headers)).toThrow(/signed v1 \(HMAC\) only.*whsec_ secret/);
  });

  it('still checks a delivery signed both ways with either key, and refuses a wrong key of the right scheme as before', () => {
    const both = { ...v1Headers, 'webhook-signature': `${v1Headers['webhook-signature']} ${v1aHeaders['webhook-signature']}` };
    expect(verifyWebhook(secret, body, both)).toEqual(JSON.parse(body));
    expect(verifyWebhook(jwk, body, both)).toEqual(JSON.parse(body));
    expect(() => verifyWebhook(`whsec_${Buffer.from('somebody else').toString('base64')}`, body, v1Headers)).toThrow(/no matching signature/i);
  });
});
