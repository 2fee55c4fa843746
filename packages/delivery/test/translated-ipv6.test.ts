import { describe, expect, it } from '@jest/globals';
import { assertTargetAllowed, embeddedIpv4, isForbiddenAddress } from '@hookfleet/delivery';

/**
 * IPv6 prefixes a translator on the network carries to IPv4 (docs/delivery.md, "Refused targets"): SIIT's
 * IPv4-translated ::ffff:0:0/96 and NAT64's local-use 64:ff9b:1::/48 reach private IPv4 addresses as the
 * well-known NAT64 prefix (already refused) does.
 */
describe('IPv4-translated IPv6 addresses', () => {
  it.each(['::ffff:0:7f00:1', '::ffff:0:127.0.0.1', '::ffff:0:a00:1', '::ffff:0:a9fe:a9fe', '64:ff9b:1::a00:1', '64:ff9b:1:ffff::7f00:1'])(
    'refuses %s when only public targets are allowed',
    (address) => {
      expect(isForbiddenAddress(address, 'public')).toBe(true);
    },
  );

  it.each(['http://[::ffff:0:7f00:1]/', 'http://[::ffff:0:10.0.0.1]/', 'http://[64:ff9b:1::c0a8:101]/'])('refuses the subscription URL %s', async (url) => {
    await expect(assertTargetAllowed(url, 'public')).rejects.toThrow(/not allowed/);
  });

  it('reads the IPv4 address inside ::ffff:0:a.b.c.d, so the metadata address stays refused with private targets allowed', () => {
    expect(embeddedIpv4('::ffff:0:a9fe:a9fe')).toBe('169.254.169.254');
    expect(isForbiddenAddress('::ffff:0:169.254.169.254', 'private')).toBe(true);
    expect(isForbiddenAddress('::ffff:0:a00:1', 'private')).toBe(false);
  });

  it.each(['2606:4700:4700::1111', '64:ff9c::1', '2001:4860::7f00:1'])('still allows the public address %s', (address) => {
    expect(isForbiddenAddress(address, 'public')).toBe(false);
  });
});
