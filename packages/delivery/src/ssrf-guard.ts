import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { TargetNotAllowed } from '@hookfleet/core';

/** Addresses a subscriber URL must never reach: loopback, private, link-local, metadata, CGNAT, multicast, reserved. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // ::/96 is IPv4-compatible IPv6 (deprecated), ::127.0.0.1 included; it also covers :: and ::1.
  ['::', 96], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['100::', 64], ['2001:db8::', 32],
  ['64:ff9b::', 96], ['2002::', 16],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    if (/^::ffff:/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** A URL's host as an address, with IPv6 brackets removed. */
export function hostOf(url: URL): string {
  // `localhost.` is `localhost`: the trailing dot of a fully qualified name changes nothing.
  return url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** Refuses a URL whose host is a literal forbidden address (names are checked when connecting). */
export function assertLiteralTargetAllowed(url: URL): void {
  const host = hostOf(url);
  if (isIP(host) && isForbiddenAddress(host)) throw new TargetNotAllowed(`target address ${host} is not allowed`);
  if (host === 'localhost' || host.endsWith('.localhost')) throw new TargetNotAllowed(`target host ${host} is not allowed`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * dns.lookup that refuses forbidden answers. It runs inside the connect, on the address actually used,
 * so a DNS answer that changes between a check and the connect cannot slip through.
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const refused = list.find((entry) => isForbiddenAddress(entry.address));
    if (refused || list.length === 0) {
      const failure = new TargetNotAllowed(`${hostname} resolves to a forbidden address ${refused?.address ?? ''}`.trim()) as unknown as NodeJS.ErrnoException;
      return callback(failure, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}

/**
 * The check made when a subscription is saved: the literal host, then every address its name resolves to.
 * Deliveries check again at connect time, since DNS can change after this.
 */
export async function assertTargetAllowed(targetUrl: string): Promise<void> {
  const url = new URL(targetUrl);
  assertLiteralTargetAllowed(url);
  const host = hostOf(url);
  if (isIP(host)) return;
  const addresses = await new Promise<LookupAddress[]>((resolve) => {
    dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found));
  });
  const refused = addresses.find((entry) => isForbiddenAddress(entry.address));
  if (refused) throw new TargetNotAllowed(`${host} resolves to ${refused.address}, a private or reserved address`);
}
