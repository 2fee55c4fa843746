import { describe, expect, it } from '@jest/globals';
import { assertTargetAllowed, embeddedIpv4, isForbiddenAddress } from './ssrf-guard.js';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.1',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
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

  describe('with private targets allowed (local development)', () => {
    it.each([
      ['link-local', '169.254.0.1'],
      ['the cloud metadata address', '169.254.169.254'],
      ['the top of link-local', '169.254.255.255'],
      ['Alibaba Cloud metadata', '100.100.100.200'],
      ['Oracle Cloud legacy metadata', '192.0.0.192'],
      ['IPv6 link-local', 'fe80::1'],
      ['IPv6 link-local, upper half of fe80::/10', 'febf::1'],
      ['IPv6 link-local with a zone', 'fe80::1%eth0'],
      ['AWS IPv6 metadata', 'fd00:ec2::254'],
      ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
      ['IPv4-mapped metadata, hex', '::ffff:a9fe:a9fe'],
      ['IPv4-compatible metadata', '::169.254.169.254'],
      ['NAT64 of metadata', '64:ff9b::a9fe:a9fe'],
      ['6to4 of metadata', '2002:a9fe:a9fe::1'],
      ['not an address', 'metadata'],
    ])('still refuses %s (%s)', (_label, address) => {
      expect(isForbiddenAddress(address, 'private')).toBe(true);
    });

    it.each(['127.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.0.1', '100.64.0.1', '::1', 'fd12:3456::1', 'fd00:ec2::253', '::ffff:127.0.0.1', '8.8.8.8'])(
      'allows %s',
      (address) => {
        expect(isForbiddenAddress(address, 'private')).toBe(false);
      },
    );

    it.each([
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]:8080/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/',
      'http://metadata.goog/',
      'http://metadata/',
      'http://instance-data.ec2.internal/latest/',
    ])('refuses the subscription URL %s', async (url) => {
      await expect(assertTargetAllowed(url, 'private')).rejects.toThrow(/not allowed|link-local|metadata/);
    });

    it.each(['http://127.0.0.1:3000/hooks', 'http://localhost:8787/', 'http://10.0.0.5/', 'http://[::1]:9000/'])(
      'accepts the subscription URL %s',
      async (url) => {
        await expect(assertTargetAllowed(url, 'private')).resolves.toBeUndefined();
      },
    );
  });

  it.each([
    ['::ffff:169.254.169.254', '169.254.169.254'],
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['::7f00:1', '127.0.0.1'],
    ['64:ff9b::808:808', '8.8.8.8'],
    ['2002:a9fe:a9fe::', '169.254.169.254'],
    ['2606:4700:4700::1111', null],
    ['fe80::1', null],
    ['10.0.0.1', null],
  ])('finds the IPv4 address inside %s', (address, expected) => {
    expect(embeddedIpv4(address)).toBe(expected);
  });
});
