import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { TargetNotAllowed } from '@hookfleet/core';
import { NameLookups, type LookupAsker } from './name-lookups.js';

/**
 * Whom a subscriber URL may reach. `private`: loopback and private ranges too (HOOKFLEET_ALLOW_PRIVATE_TARGETS, local
 * development); link-local and cloud metadata addresses stay refused either way, since they hand out the host's
 * credentials and nobody develops against them.
 */
export type TargetPolicy = 'public' | 'private';

export function targetPolicy(allowPrivateTargets: boolean): TargetPolicy {
  return allowPrivateTargets ? 'private' : 'public';
}

/** Addresses never reachable: link-local (where every cloud's metadata service lives) and the metadata services outside it. */
const alwaysBlocked = new BlockList();
alwaysBlocked.addSubnet('169.254.0.0', 16, 'ipv4');
// Alibaba Cloud's metadata service; Oracle Cloud's older one.
alwaysBlocked.addAddress('100.100.100.200', 'ipv4');
alwaysBlocked.addAddress('192.0.0.192', 'ipv4');
alwaysBlocked.addSubnet('fe80::', 10, 'ipv6');
// AWS's IPv6 metadata endpoint (inside fc00::/7, which private targets allow).
alwaysBlocked.addAddress('fd00:ec2::254', 'ipv6');

/** Host names of metadata services, refused before any lookup (off the cloud they may not resolve at all). */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** Addresses a public-only URL must never reach: loopback, private, link-local, metadata, CGNAT, multicast, reserved. */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  // ::/96 is IPv4-compatible IPv6 (deprecated), ::127.0.0.1 included; it also covers :: and ::1.
  ['::', 96],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['100::', 64],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  // NAT64's local-use prefix (RFC 8215): a translator on the network carries it to the IPv4 address inside.
  ['64:ff9b:1::', 48],
  ['2002::', 16],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

export function isForbiddenAddress(address: string, policy: TargetPolicy = 'public'): boolean {
  return policy === 'private' ? isAlwaysForbiddenAddress(address) : isPublicOnlyForbidden(address);
}

function isPublicOnlyForbidden(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    // Mapped and SIIT's IPv4-translated ::ffff:0:a.b.c.d alike (addresses come canonical from the URL parser and DNS).
    if (/^::ffff:/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Link-local or metadata, also when written as IPv6 that carries the IPv4 address (mapped, compatible, NAT64, 6to4). */
function isAlwaysForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return alwaysBlocked.check(address, 'ipv4');
  if (family !== 6) return true;
  if (alwaysBlocked.check(address, 'ipv6')) return true;
  const embedded = embeddedIpv4(address);
  return embedded !== null && alwaysBlocked.check(embedded, 'ipv4');
}

/**
 * The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d, ::ffff:0:a.b.c.d (SIIT), 64:ff9b::a.b.c.d or 2002:AABB:CCDD::, in
 * any spelling; else null.
 */
export function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  if (!groups) return null;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  const fromGroups = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return fromGroups(groups[6] as number, groups[7] as number);
  if (isIpv4Translated(address)) return fromGroups(groups[6] as number, groups[7] as number);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return fromGroups(groups[6] as number, groups[7] as number);
  if (groups[0] === 0x2002) return fromGroups(groups[1] as number, groups[2] as number);
  return null;
}

/** In ::ffff:0:0/96, SIIT's IPv4-translated addresses (RFC 2765): a translator carries them to the IPv4 address inside. */
function isIpv4Translated(address: string): boolean {
  const groups = ipv6Groups(address);
  return groups !== null && groups.slice(0, 4).every((group) => group === 0) && groups[4] === 0xffff && groups[5] === 0;
}

/** An IPv6 address as its eight 16-bit groups (a dotted IPv4 tail counts as two). */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The schemes whose hosts the URL parser itself reads as addresses (percent-escapes, IPv4 shorthands, IDNA). */
const SPECIAL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/**
 * A URL's host as an address, with IPv6 brackets removed. A broker URL (`amqp:`, `nats:`, `tls:`) keeps its host as
 * written, while its client may read that host as an http(s) URL would — the NATS client does, so
 * `nats://%31%32%37.0.0.1` connects to 127.0.0.1 — so such a host is read that way here: the guard checks the
 * address that is reached, not its spelling. A host no http(s) URL can hold (none at all, a decoded tab) is refused.
 */
export function hostOf(url: URL): string {
  let hostname = url.hostname;
  if (!SPECIAL_SCHEMES.has(url.protocol)) {
    try {
      hostname = new URL(`http://${hostname}`).hostname;
    } catch {
      throw new TargetNotAllowed(hostname ? `target host ${hostname} is not a valid host name` : 'the target URL names no host');
    }
  }
  // `localhost.` is `localhost`: the trailing dot of a fully qualified name changes nothing.
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

/** Refuses a URL whose host is a literal forbidden address or a metadata service's name (other names are checked when connecting). */
export function assertLiteralTargetAllowed(url: URL, policy: TargetPolicy = 'public'): void {
  const host = hostOf(url).toLowerCase();
  if (isIP(host) && isForbiddenAddress(host, policy)) throw new TargetNotAllowed(`target address ${host} is not allowed`);
  if (METADATA_HOSTS.has(host)) throw new TargetNotAllowed(`target host ${host} is a cloud metadata service, not allowed`);
  if (policy === 'public' && (host === 'localhost' || host.endsWith('.localhost'))) throw new TargetNotAllowed(`target host ${host} is not allowed`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

type Lookup = (hostname: string, options: object, callback: LookupCallback, asker?: LookupAsker) => void;

/**
 * The process's lookups of the names it connects to, bounded (name-lookups.ts): libuv's thread pool, where they run,
 * is the process's. dns.lookup is read at each call, so a test's replacement of it (test/fake-dns.ts) applies.
 */
const nameLookups = new NameLookups((hostname, options, callback) => dnsLookup(hostname, options, callback));

/**
 * dns.lookup that refuses answers the policy forbids. It runs inside the connect, on the address actually used,
 * so a DNS answer that changes between a check and the connect cannot slip through.
 */
export function guardedLookupFor(policy: TargetPolicy): Lookup {
  return (hostname, options, callback, asker) => guardedLookup(hostname, options, callback, policy, asker);
}

export function guardedLookup(hostname: string, options: object, callback: LookupCallback, policy: TargetPolicy = 'public', asker?: LookupAsker): void {
  nameLookups.lookup(hostname, options, (error, list) => {
    if (error) return callback(error, []);
    const refused = list.find((entry) => isForbiddenAddress(entry.address, policy));
    if (refused || list.length === 0) {
      const failure = new TargetNotAllowed(`${hostname} resolves to a forbidden address ${refused?.address ?? ''}`.trim()) as unknown as NodeJS.ErrnoException;
      return callback(failure, []);
    }
    if ((options as { all?: boolean }).all) return callback(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  }, asker);
}

/**
 * The addresses to connect to for a URL's host: an IP literal as it is, a name as the guarded lookup answers it (every
 * answer allowed, or a TargetNotAllowed). For a client that resolves names itself and takes no lookup of ours (the
 * NATS client): given these addresses instead of the name, it reaches what was checked, not what a second answer
 * of the name (a DNS rebinding) would say.
 */
export async function allowedAddresses(url: URL, policy: TargetPolicy): Promise<string[]> {
  assertLiteralTargetAllowed(url, policy);
  const host = hostOf(url);
  if (isIP(host)) return [host];
  return new Promise((resolve, reject) => {
    guardedLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve((found as LookupAddress[]).map((entry) => entry.address))), policy);
  });
}

/**
 * The check made when a subscription is saved: the literal host, then every address its name resolves to.
 * Deliveries check again at connect time, since DNS can change after this.
 */
export async function assertTargetAllowed(targetUrl: string, policy: TargetPolicy = 'public'): Promise<void> {
  const url = new URL(targetUrl);
  assertLiteralTargetAllowed(url, policy);
  const host = hostOf(url);
  if (isIP(host)) return;
  const addresses = await new Promise<LookupAddress[]>((resolve) => {
    dnsLookup(host, { all: true }, (error, found) => resolve(error ? [] : found));
  });
  const refused = addresses.find((entry) => isForbiddenAddress(entry.address, policy));
  if (refused) {
    const kind = policy === 'private' ? 'a link-local or cloud metadata address' : 'a private or reserved address';
    throw new TargetNotAllowed(`${host} resolves to ${refused.address}, ${kind}`);
  }
}
