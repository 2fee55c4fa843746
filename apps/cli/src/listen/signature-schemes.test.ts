import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { checkSignature, remadeSignatureScheme, standardScheme } from './signature-schemes.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(24).toString('base64')}`;
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2025-06-01T12:00:00.000Z', data: { total: 42 } });

function standardHeaders(payload: string, signingSecret = secret) {
  const at = new Date();
  return {
    'webhook-id': 'dlv_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signingSecret).sign('dlv_1', at, payload),
  };
}

// A scheme of the body-signature kind, to prove the mechanism without naming a provider.
const sha1Sign = (key: string, payload: string) => `sha1=${createHmac('sha1', key).update(payload).digest('hex')}`;
const bodyScheme = remadeSignatureScheme('body-signed', 'X-Body-Signature', sha1Sign);
const schemes = [standardScheme, bodyScheme];

describe('checkSignature', () => {
  it('verifies a Standard Webhooks delivery with the right secret', () => {
    expect(checkSignature(schemes, [secret], Buffer.from(body), standardHeaders(body))).toEqual({ profile: 'standard', verdict: 'verified', error: null });
  });

  it('finds the matching secret among several', () => {
    expect(checkSignature(schemes, [otherSecret, secret], Buffer.from(body), standardHeaders(body)).verdict).toBe('verified');
  });

  it('calls a tampered body invalid and says why', () => {
    const check = checkSignature(schemes, [secret], Buffer.from(body.replace('42', '4200')), standardHeaders(body));
    expect(check).toMatchObject({ profile: 'standard', verdict: 'invalid', error: expect.stringMatching(/signature/i) });
  });

  it('calls a delivery signed with another secret invalid', () => {
    expect(checkSignature(schemes, [secret], Buffer.from(body), standardHeaders(body, otherSecret)).verdict).toBe('invalid');
  });

  it('leaves a signed delivery unchecked without a secret, and an unsigned one unsigned', () => {
    expect(checkSignature(schemes, [], Buffer.from(body), standardHeaders(body))).toEqual({ profile: 'standard', verdict: 'unchecked', error: null, needs: '--secret whsec_…' });
    expect(checkSignature(schemes, [secret], Buffer.from(body), { 'content-type': 'application/json' })).toEqual({
      profile: null,
      verdict: 'unsigned',
      error: null,
    });
  });

  it('checks a body-signature scheme by its own header, in constant time', () => {
    const headers = { 'x-body-signature': sha1Sign('plain-secret', body) };
    expect(checkSignature(schemes, ['plain-secret'], Buffer.from(body), headers)).toEqual({ profile: 'body-signed', verdict: 'verified', error: null });
    expect(checkSignature(schemes, ['plain-secret'], Buffer.from(`${body} `), headers)).toMatchObject({
      verdict: 'invalid',
      error: 'X-Body-Signature does not match the body signed with this secret',
    });
    expect(checkSignature(schemes, ['plain-secret'], Buffer.from(body), { 'x-body-signature': 'sha1=short' }).verdict).toBe('invalid');
  });
});
