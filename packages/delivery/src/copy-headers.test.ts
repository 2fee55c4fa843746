import { describe, expect, it } from '@jest/globals';
import { copyHeaders } from './copy-headers.js';

describe('copyHeaders', () => {
  it('merges as an object spread does: later names replace earlier ones, in their first place', () => {
    const custom = { 'x-team': 'billing', 'webhook-id': 'spoofed' };
    const signed = { 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc' };
    const merged = copyHeaders(copyHeaders({}, custom), signed);
    merged['webhook-id'] = 'dlv_1';
    const spread = { ...custom, ...signed, 'webhook-id': 'dlv_1' };
    expect(merged).toEqual(spread);
    expect(Object.keys(merged)).toEqual(Object.keys(spread));
    expect(custom).toEqual({ 'x-team': 'billing', 'webhook-id': 'spoofed' });
  });

  it('returns the object it copied onto', () => {
    const to = { 'content-type': 'application/json' };
    expect(copyHeaders(to, { 'user-agent': 'hookfleet' })).toBe(to);
    expect(to).toEqual({ 'content-type': 'application/json', 'user-agent': 'hookfleet' });
  });
});
