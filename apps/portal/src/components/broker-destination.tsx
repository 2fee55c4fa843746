import { endpointAddress } from './poll-endpoint.js';
import type { Endpoint } from '../types.js';

/**
 * A broker destination as the form edits it (docs/api.md, "Destinations"): the address without its password, and
 * the password apart — write-only: empty keeps the stored one (the API keeps it when the URL says `***`). A NATS
 * server may instead carry a token, a user name alone (`nats://token@host`, nats-destination.ts in
 * packages/delivery): with no user in its addresses, the same field is the token, kept the same way.
 */
export type BrokerDraft =
  | { type: 'rabbitmq'; address: string; password: string; storedPassword: boolean; exchange: string; routingKey: string }
  /** `storedToken`: the servers (`nats://host:port`) whose stored address carries a token, shown without it. */
  | { type: 'nats'; servers: string; password: string; storedPassword: boolean; storedToken: string[]; subject: string }
  /** Not a broker, but not an HTTP URL either: the subscriber fetches (pull mode); nothing to fill in. */
  | { type: 'poll' };

/** The password a view showed: the API shows `***` in its place. */
const REDACTED = '***';

/** The address as a URL, or null when it is not one (the API's 400 names the field). */
function parsedUrl(address: string): URL | null {
  try {
    return new URL(address);
  } catch {
    return null;
  }
}

function addressAndPassword(address: string): { address: string; storedPassword: boolean } {
  const url = parsedUrl(address);
  // A user name alone (amqp://***@host) stays in the address as shown: sent back, it keeps the stored one. NATS reads
  // a user name alone as a token, which its draft keeps apart (natsServerDraft).
  if (!url?.password) return { address, storedPassword: false };
  url.password = '';
  return { address: url.toString(), storedPassword: true };
}

/** A NATS server as the API matches a kept credential (destination-credentials.ts in packages/core): protocol and host. */
function serverOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** A NATS address as the form shows it: without its password, or without its token (which the view shows as `***`). */
function natsServerDraft(address: string): { address: string; storedPassword: boolean; storedToken: string | null } {
  const { address: shown, storedPassword } = addressAndPassword(address);
  const url = parsedUrl(address);
  if (storedPassword || !url?.username) return { address: shown, storedPassword, storedToken: null };
  url.username = '';
  return { address: url.toString(), storedPassword: false, storedToken: serverOf(url) };
}

/** The draft of an endpoint's broker (or pull) destination; null for an HTTP endpoint. */
export function brokerDraftOf(endpoint: Pick<Endpoint, 'destination'>): BrokerDraft | null {
  const destination = endpoint.destination;
  if (destination?.type === 'poll') return { type: 'poll' };
  if (destination?.type === 'rabbitmq') {
    const { address, storedPassword } = addressAndPassword(destination.url);
    return { type: 'rabbitmq', address, password: '', storedPassword, exchange: destination.exchange, routingKey: destination.routing_key };
  }
  if (destination?.type === 'nats') {
    const servers = destination.servers.map(natsServerDraft);
    return {
      type: 'nats',
      servers: servers.map((server) => server.address).join(', '),
      password: '',
      storedPassword: servers.some((server) => server.storedPassword),
      storedToken: servers.flatMap((server) => (server.storedToken ? [server.storedToken] : [])),
      subject: destination.subject,
    };
  }
  return null;
}

export function emptyBrokerDraft(type: BrokerDraft['type']): BrokerDraft {
  if (type === 'poll') return { type };
  return type === 'rabbitmq'
    ? { type, address: 'amqp://', password: '', storedPassword: false, exchange: '', routingKey: '' }
    : { type, servers: 'nats://', password: '', storedPassword: false, storedToken: [], subject: '' };
}

/** An address with the password given, or `***` (keep the stored one) where one is stored and none is given. */
function withPassword(address: string, password: string, storedPassword: boolean): string {
  const secret = password || (storedPassword ? REDACTED : '');
  const url = parsedUrl(address.trim());
  if (!secret || !url?.username) return address.trim();
  url.password = secret;
  return url.toString();
}

/** A NATS address with the token given, or `***` (keep the stored one) where one is stored for its server and none is given. */
function withToken(address: string, token: string, storedToken: readonly string[]): string {
  const url = parsedUrl(address.trim());
  if (!url) return address.trim();
  const secret = token || (storedToken.includes(serverOf(url)) ? REDACTED : '');
  if (!secret) return address.trim();
  url.username = secret;
  return url.toString();
}

function natsAddresses(servers: string): string[] {
  return servers.split(/[\s,]+/).filter(Boolean);
}

/** Whether an address names a user: then the NATS secret field is that user's password, else a token. */
function namesUser(address: string): boolean {
  return (parsedUrl(address)?.username ?? '') !== '';
}

/** The `destination` field the API takes for a draft. */
export function destinationOf(draft: BrokerDraft): Record<string, unknown> {
  if (draft.type === 'poll') return { type: 'poll' };
  if (draft.type === 'rabbitmq') {
    return { type: 'rabbitmq', url: withPassword(draft.address, draft.password, draft.storedPassword), exchange: draft.exchange.trim(), routing_key: draft.routingKey.trim() };
  }
  const addresses = natsAddresses(draft.servers);
  const servers = addresses.some(namesUser)
    ? addresses.map((server) => withPassword(server, draft.password, draft.storedPassword))
    : addresses.map((server) => withToken(server, draft.password, draft.storedToken));
  return { type: 'nats', servers, subject: draft.subject.trim() };
}

/** Where an endpoint's deliveries go, in one line for titles and lists. */
export function destinationSummary(endpoint: Pick<Endpoint, 'url' | 'destination'>): string {
  const destination = endpoint.destination;
  if (destination?.type === 'rabbitmq') return `RabbitMQ ${destination.url} → ${destination.exchange || '(default exchange)'} / ${destination.routing_key}`;
  if (destination?.type === 'nats') return `NATS ${destination.servers.join(', ')} → ${destination.subject}`;
  return endpointAddress(endpoint);
}

/** The write-only field's label, and what leaving it empty does. */
function secretField(draft: Exclude<BrokerDraft, { type: 'poll' }>): { label: string; hint: string } {
  const keepPassword = 'a password is stored: leave empty to keep it';
  if (draft.type === 'rabbitmq') return { label: 'Broker password', hint: draft.storedPassword ? keepPassword : 'only if the address has a user' };
  const label = 'Token or password';
  if (natsAddresses(draft.servers).some(namesUser)) return { label, hint: draft.storedPassword ? keepPassword : 'the password of the user in the address' };
  if (draft.storedToken.length > 0) return { label, hint: 'a token is stored: leave empty to keep it' };
  return { label, hint: 'a token, or the password of a user named in the address (nats://user@host)' };
}

interface Props {
  draft: BrokerDraft | null;
  onChange: (draft: BrokerDraft | null) => void;
  /** The API's messages for a field path under `destination`. */
  errors: (field: string) => string[];
}

function Messages({ id, messages }: { id: string; messages: string[] }) {
  return messages.length > 0 ? (
    <p id={id} class="field-error" role="alert">
      {messages.join(' ')}
    </p>
  ) : null;
}

/** The kind of destination and, for a broker, its fields; an HTTP endpoint keeps the form's URL field; a pull one has none. */
export function BrokerDestinationFields({ draft, onChange, errors }: Props) {
  const set = (patch: Partial<Record<string, string>>) => draft && onChange({ ...draft, ...patch } as BrokerDraft);
  const secret = draft && draft.type !== 'poll' ? secretField(draft) : null;
  return (
    <>
      <div class="field">
        <label for="destination-type">Deliver to</label>
        <select id="destination-type" value={draft?.type ?? 'http'} onChange={(event) => onChange(event.currentTarget.value === 'http' ? null : emptyBrokerDraft(event.currentTarget.value as BrokerDraft['type']))}>
          <option value="http">an HTTP endpoint</option>
          <option value="rabbitmq">a RabbitMQ exchange</option>
          <option value="nats">a NATS JetStream subject</option>
          <option value="poll">nowhere: the subscriber fetches (pull)</option>
        </select>
      </div>
      {draft?.type === 'rabbitmq' ? (
        <>
          <div class="field">
            <label for="broker-address">RabbitMQ URL</label>
            <input id="broker-address" type="text" placeholder="amqps://user@rabbit.example.com/vhost" value={draft.address} onInput={(event) => set({ address: event.currentTarget.value })} aria-describedby="broker-address-error" />
            <Messages id="broker-address-error" messages={errors('destination.url')} />
          </div>
          <div class="field">
            <label for="broker-exchange">Exchange</label>
            <input id="broker-exchange" type="text" placeholder="webhooks" value={draft.exchange} onInput={(event) => set({ exchange: event.currentTarget.value })} />
            <Messages id="broker-exchange-error" messages={errors('destination.exchange')} />
          </div>
          <div class="field">
            <label for="broker-routing-key">Routing key</label>
            <input id="broker-routing-key" type="text" value={draft.routingKey} onInput={(event) => set({ routingKey: event.currentTarget.value })} />
            <Messages id="broker-routing-key-error" messages={errors('destination.routing_key')} />
          </div>
        </>
      ) : null}
      {draft?.type === 'nats' ? (
        <>
          <div class="field">
            <label for="broker-servers">NATS servers</label>
            <input id="broker-servers" type="text" placeholder="nats://user@nats1.example.com:4222, nats://nats2.example.com:4222" value={draft.servers} onInput={(event) => set({ servers: event.currentTarget.value })} />
            <Messages id="broker-servers-error" messages={errors('destination.servers')} />
          </div>
          <div class="field">
            <label for="broker-subject">Subject</label>
            <input id="broker-subject" type="text" placeholder="webhooks.orders" value={draft.subject} onInput={(event) => set({ subject: event.currentTarget.value })} />
            <Messages id="broker-subject-error" messages={errors('destination.subject')} />
          </div>
        </>
      ) : null}
      {draft?.type === 'poll' ? <p class="hint">Nothing is sent: the subscriber fetches its signed messages with its own key (GET /v1/subscriptions/…/messages).</p> : null}
      {draft && draft.type !== 'poll' && secret ? (
        <div class="field">
          <label for="broker-password">{secret.label}</label>
          <input id="broker-password" type="password" autocomplete="new-password" value={draft.password} onInput={(event) => set({ password: event.currentTarget.value })} aria-describedby="broker-password-hint" />
          <p id="broker-password-hint" class="hint">
            Write-only: never shown again; {secret.hint}.
          </p>
        </div>
      ) : null}
    </>
  );
}
