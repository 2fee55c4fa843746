import { describe, expect, it } from '@jest/globals';
import { assertTargetAllowed, isForbiddenAddress } from './ssrf-guard.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1', '127.255.0.1', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '224.0.0.1', '240.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it.each(['http://127.0.0.1/x', 'http://[::1]:8080/', 'http://localhost:3000/', 'http://169.254.169.254/latest/meta-data', 'https://10.0.0.5/'])(
    'refuses the subscription URL %s',
    async (url) => {
      await expect(assertTargetAllowed(url)).rejects.toThrow(/not allowed|private|reserved/);
    },
  );
});
