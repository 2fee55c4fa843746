import { describe, expect, it } from '@jest/globals';
import { gigapaySignature, paymoSignature } from '@hookfleet/profiles';
import { loadSignatureSchemes, signedAt } from './schemes.js';
import { checkSignature } from './signature-schemes.js';

const body = '{"id":"1679584"}';

describe('the signing profiles listen checks', () => {
  it('verifies Paymo’s documented example: secret "secret", body {"id":"1679584"}', async () => {
    const schemes = await loadSignatureSchemes();
    const headers = { 'x-paymo-signature': 'sha1=dc03736e396e70138bf7af4ffaa2948cde42dcf1' };
    expect(checkSignature(schemes, ['secret'], Buffer.from(body), headers)).toEqual({ profile: 'paymo', verdict: 'verified', error: null });
    expect(checkSignature(schemes, ['secret'], Buffer.from('{"id":"1679585"}'), headers)).toMatchObject({ profile: 'paymo', verdict: 'invalid' });
    expect(paymoSignature('secret', body)).toBe(headers['x-paymo-signature']);
  });

  it('verifies a Gigapay-Signature made by the gigapay profile, and refuses a tampered or stale one', async () => {
    const schemes = await loadSignatureSchemes();
    const key = 'c1329a085d65f7757838df5920fdcc9a';
    const fresh = { 'gigapay-signature': gigapaySignature(key, body, new Date()) };
    expect(checkSignature(schemes, [key], Buffer.from(body), fresh)).toEqual({ profile: 'gigapay', verdict: 'verified', error: null });
    expect(checkSignature(schemes, [key], Buffer.from(`${body} `), fresh).verdict).toBe('invalid');
    const stale = { 'gigapay-signature': gigapaySignature(key, body, new Date(Date.now() - 10 * 60_000)) };
    expect(checkSignature(schemes, [key], Buffer.from(body), stale)).toMatchObject({
      verdict: 'invalid',
      error: 'Gigapay-Signature timestamp is more than 5 minutes away from now',
    });
  });
});

describe('signedAt', () => {
  const now = new Date('2020-03-04T13:08:21Z');
  it('reads t= from a t=…,v1=… header', () => {
    expect(signedAt('t=1583327301,v1=abc', 'Gigapay-Signature', now).toISOString()).toBe('2020-03-04T13:08:21.000Z');
  });
  it.each(['v1=abc', 't=,v1=abc', 't=abc'])('refuses %j', (header) => {
    expect(() => signedAt(header, 'Gigapay-Signature', now)).toThrow('Gigapay-Signature has no t=<timestamp>');
  });
});
