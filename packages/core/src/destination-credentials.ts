import { ValidationFailed } from './errors.js';
import type { Destination } from './destination-schema.js';

/** What a view shows in place of a broker password (publicDestination): given back, it means "keep the stored one". */
export const REDACTED_PASSWORD = '***';

/** The addresses a destination connects to, each with its field path (for the address rules and their 400s). */
export function destinationAddresses(destination: Destination): Array<{ path: string; address: string }> {
  if (destination.type === 'http') return [{ path: 'destination.url', address: destination.url }];
  if (destination.type === 'rabbitmq') return [{ path: 'destination.url', address: destination.url }];
  if (destination.type === 'nats') return destination.servers.map((address, index) => ({ path: `destination.servers.${index}`, address }));
  return [];
}

/**
 * Broker credentials are write-only: a form or a client that sends back the view it was shown (password `***`)
 * keeps the stored password of the same user at the same host, over the same protocol: one who may edit but not read
 * the destination must not have it sent in the clear (`amqps:` to `amqp:`, `tls:` to `nats:`). A `***` with nothing
 * stored to keep is refused.
 */
export function keepStoredCredentials(next: Destination, current: Destination | undefined): Destination {
  const stored = current ? destinationAddresses(current).map(({ address }) => address) : [];
  const restore = (address: string, path: string): string => {
    const url = new URL(address);
    if (url.password !== REDACTED_PASSWORD && !(url.username === REDACTED_PASSWORD && !url.password)) return address;
    const match = stored.map((candidate) => new URL(candidate)).find((candidate) => candidate.protocol === url.protocol && candidate.host === url.host && (url.password ? candidate.username === url.username && candidate.password !== '' : candidate.username !== '' && !candidate.password));
    if (!match) throw new ValidationFailed('no stored credential to keep', [{ path, message: `${REDACTED_PASSWORD} keeps a stored credential, and none is stored for ${url.protocol}//${url.host}; give the password` }]);
    if (url.password) url.password = match.password;
    else url.username = match.username;
    return url.toString();
  };
  if (next.type === 'rabbitmq') return { ...next, url: restore(next.url, 'destination.url') };
  if (next.type === 'nats') return { ...next, servers: next.servers.map((server, index) => restore(server, `destination.servers.${index}`)) };
  return next;
}
