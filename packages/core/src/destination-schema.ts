import { z } from 'zod';

/**
 * Where a subscription's deliveries go (docs/contract.md, "Native API"). HTTP is the default and needs no
 * `destination`: a top-level `url` is the same as `{ "type": "http", "url" }`. The other kinds carry what their
 * sender needs; broker URLs may hold credentials, which views redact (`publicDestination`).
 */
export const destinationTypes = ['http', 'rabbitmq', 'nats', 'poll'] as const;
export type DestinationType = (typeof destinationTypes)[number];

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

/**
 * The host of a broker URL as an http(s) URL reads it, or null when it has none. The URL parser keeps a broker URL's
 * host as written (`%31%32%37.0.0.1`, `0x7f.1`, a Unicode name), while a broker client may read it as an http(s)
 * host (the NATS client: `127.0.0.1`) or look it up as written (amqplib): only a host both read alike names one address.
 */
function plainHost(url: URL): string | null {
  try {
    return url.hostname ? new URL(`http://${url.hostname}`).hostname : null;
  } catch {
    return null;
  }
}

/** `article`: the one the first protocol is read with ("an amqp://", "a nats://"). */
function urlWithProtocols(article: 'a' | 'an', protocols: readonly string[]) {
  return z
    .string()
    .max(2048)
    .superRefine((value, context) => {
      const url = URL.canParse(value) ? new URL(value) : null;
      if (!url || !protocols.includes(url.protocol)) {
        return context.addIssue({ code: 'custom', message: `must be ${article} ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL` });
      }
      // An empty host is the client's default (localhost), which the address rules would never see.
      const host = plainHost(url);
      if (host === null) return context.addIssue({ code: 'custom', message: 'must name a host (a name or an IP address)' });
      if (host !== url.hostname.toLowerCase()) context.addIssue({ code: 'custom', message: `write the host plainly: ${host}, not ${url.hostname}` });
    });
}

/** A broker name: printable, no wildcards a subscriber did not mean. */
const brokerName = z.string().min(1).max(255).regex(/^[A-Za-z0-9_.:\-/]+$/, 'letters, digits and _ . : - / only');

export const httpDestinationSchema = z.object({ type: z.literal('http'), url: httpUrl }).strict();
export const rabbitmqDestinationSchema = z
  .object({
    type: z.literal('rabbitmq'),
    url: urlWithProtocols('an', ['amqp:', 'amqps:']),
    exchange: z.string().max(255).regex(/^[A-Za-z0-9_.:-]*$/, 'letters, digits and _ . : - only'),
    routing_key: z.string().max(255),
  })
  .strict();
export const natsDestinationSchema = z
  .object({
    type: z.literal('nats'),
    servers: z.array(urlWithProtocols('a', ['nats:', 'tls:'])).min(1).max(10),
    subject: brokerName.regex(/^[^*>\s]+$/, 'a subject without wildcards'),
  })
  .strict();
export const pollDestinationSchema = z.object({ type: z.literal('poll') }).strict();

export const destinationSchema = z.discriminatedUnion('type', [
  httpDestinationSchema,
  rabbitmqDestinationSchema,
  natsDestinationSchema,
  pollDestinationSchema,
]);
export type Destination = z.infer<typeof destinationSchema>;

/** `batch`: HTTP only; up to `max_events` deliveries in one POST, the first waiting at most `max_wait_ms`. */
export const batchSchema = z
  .object({
    max_events: z.number().int().min(1).max(1000),
    max_wait_ms: z.number().int().min(0).max(60_000),
  })
  .strict();
export type BatchOptions = z.infer<typeof batchSchema>;

export { httpUrl as subscriptionUrlSchema };

/** The kind of a stored subscription's destination. */
export function destinationType(subscription: { destination?: { type: DestinationType } | undefined }): DestinationType {
  return subscription.destination?.type ?? 'http';
}

/**
 * What a subscription stores for `url` / `destination` as given: HTTP is kept as `url` alone (the shape every
 * reader already knows); the other kinds keep their destination and an empty `url`.
 */
export function storedDestination(input: { url?: string | undefined; destination?: Destination | undefined }): {
  url: string;
  destination?: Exclude<Destination, { type: 'http' }>;
} {
  const destination = input.destination;
  if (!destination) return { url: input.url ?? '' };
  if (destination.type === 'http') return { url: destination.url };
  return { url: '', destination };
}

/** The destination as answers show it: broker passwords replaced, so a listing never leaks a credential. */
export function publicDestination(subscription: { url: string; destination?: Destination | undefined }): Destination {
  const destination = subscription.destination;
  if (!destination || destination.type === 'http') return { type: 'http', url: subscription.url };
  if (destination.type === 'rabbitmq') return { ...destination, url: withoutPassword(destination.url) };
  if (destination.type === 'nats') return { ...destination, servers: destination.servers.map(withoutPassword) };
  return destination;
}

/** A broker address with its password replaced by `***` (a NATS token, a user name alone, too). */
export function withoutPassword(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return '(an unreadable address)';
  }
  if (url.password) url.password = '***';
  else if (url.username) url.username = '***';
  else return address;
  return url.toString();
}
