import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { WebhookVerificationError } from './errors.js';
import { verifyWebhook } from './verify.js';

const secret = `whsec_${Buffer.from('a test secret of enough length').toString('base64')}`;
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2025-01-01T00:00:00.000Z', data: { total: 42 } });

function signedHeaders(payload: string, signingSecret = secret, at = new Date()): Record<string, string> {
  const id = 'dlv_test';
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(signingSecret).sign(id, at, payload),
  };
}

describe('verifyWebhook', () => {
  it('returns the parsed payload of a delivery signed with standardwebhooks', () => {
    expect(verifyWebhook(secret, body, signedHeaders(body))).toEqual(JSON.parse(body));
  });

  it('accepts a Buffer or Uint8Array body', () => {
    const headers = signedHeaders(body);
    expect(verifyWebhook(secret, Buffer.from(body), headers)).toMatchObject({ type: 'invoice.paid' });
    expect(verifyWebhook(secret, new TextEncoder().encode(body), headers)).toMatchObject({ type: 'invoice.paid' });
  });

  it('reads Fetch Headers', () => {
    expect(verifyWebhook(secret, body, new Headers(signedHeaders(body)))).toMatchObject({ data: { total: 42 } });
  });

  it('reads node:http headers, string[] values and any letter case', () => {
    const headers = signedHeaders(body);
    const nodeStyle = { 'Webhook-Id': headers['webhook-id'], 'webhook-timestamp': [headers['webhook-timestamp']!], 'WEBHOOK-SIGNATURE': headers['webhook-signature'], host: 'x' };
    expect(verifyWebhook(secret, body, nodeStyle)).toMatchObject({ type: 'invoice.paid' });
  });

  it('accepts one matching signature among several', () => {
    const headers = signedHeaders(body);
    const other = signedHeaders(body, `whsec_${Buffer.from('the previous secret').toString('base64')}`);
    headers['webhook-signature'] = `${other['webhook-signature']} ${headers['webhook-signature']}`;
    expect(verifyWebhook(secret, body, headers)).toMatchObject({ type: 'invoice.paid' });
  });

  it('rejects a tampered body', () => {
    const tampered = body.replace('42', '4200');
    expect(() => verifyWebhook(secret, tampered, signedHeaders(body))).toThrow(WebhookVerificationError);
  });

  it('rejects a signature made with another secret', () => {
    const headers = signedHeaders(body, `whsec_${Buffer.from('somebody else').toString('base64')}`);
    expect(() => verifyWebhook(secret, body, headers)).toThrow(/no matching signature/i);
  });

  it('rejects a timestamp older than five minutes, even correctly signed', () => {
    const headers = signedHeaders(body, secret, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyWebhook(secret, body, headers)).toThrow(/too old/);
  });

  it('rejects a request without the signature headers, naming the missing one', () => {
    const { 'webhook-signature': _signature, ...headers } = signedHeaders(body);
    let caught: unknown;
    try {
      verifyWebhook(secret, body, headers);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookVerificationError);
    expect(caught).toMatchObject({ code: 'webhook_verification_failed', message: expect.stringContaining('webhook-signature') });
  });

  it('says the body must be the raw one when it is given parsed JSON (an express.json() body), for v1 and v1a alike', () => {
    const parsed = JSON.parse(body) as unknown as string;
    expect(() => verifyWebhook(secret, parsed, signedHeaders(body))).toThrow(/the body must be the raw request body .* got object/);
    expect(() => verifyWebhook(`whpk_${Buffer.alloc(32).toString('base64')}`, parsed, signedHeaders(body))).toThrow(/the body must be the raw request body/);
  });

  it('turns an unusable secret into a WebhookVerificationError', () => {
    expect(() => verifyWebhook('', body, signedHeaders(body))).toThrow(WebhookVerificationError);
  });
});
