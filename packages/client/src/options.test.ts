import { describe, expect, it } from '@jest/globals';
import { resolveClientOptions } from './options.js';

describe('client options', () => {
  it('defaults to http://127.0.0.1:3000, no token, 3 retries', () => {
    expect(resolveClientOptions({}, {})).toEqual({
      url: 'http://127.0.0.1:3000',
      token: undefined,
      retry: { limit: 3, baseDelayMs: 500, maxDelayMs: 30_000 },
      timeoutMs: 30_000,
    });
  });

  it('takes HOOKFLEET_URL and HOOKFLEET_TOKEN when the options leave them out', () => {
    const resolved = resolveClientOptions({}, { HOOKFLEET_URL: 'https://hooks.example.com/', HOOKFLEET_TOKEN: 'secret' });
    expect(resolved).toMatchObject({ url: 'https://hooks.example.com', token: 'secret' });
  });

  it('prefers the options to the environment', () => {
    const resolved = resolveClientOptions({ url: 'http://api:8080', token: 'mine' }, { HOOKFLEET_URL: 'http://other', HOOKFLEET_TOKEN: 'theirs' });
    expect(resolved).toMatchObject({ url: 'http://api:8080', token: 'mine' });
  });

  it('treats empty environment variables as unset', () => {
    expect(resolveClientOptions({}, { HOOKFLEET_URL: '', HOOKFLEET_TOKEN: '' })).toMatchObject({ url: 'http://127.0.0.1:3000', token: undefined });
  });

  it('drops the spaces and line break around a token, as a secret file or a paste leaves them', () => {
    expect(resolveClientOptions({}, { HOOKFLEET_TOKEN: 'secret\n' }).token).toBe('secret');
    expect(resolveClientOptions({ token: '  mine\r\n' }, {}).token).toBe('mine');
    expect(resolveClientOptions({}, { HOOKFLEET_TOKEN: ' \n' }).token).toBeUndefined();
  });

  it('keeps the default retry settings it is not given', () => {
    expect(resolveClientOptions({ retry: { limit: 0 } }, {}).retry).toEqual({ limit: 0, baseDelayMs: 500, maxDelayMs: 30_000 });
  });

  it.each([{ url: 'not a url' }, { url: 'ftp://example.com' }, { retry: { limit: -1 } }, { timeoutMs: 1.5 }])('refuses %j', (options) => {
    expect(() => resolveClientOptions(options, {})).toThrow(TypeError);
  });
});
