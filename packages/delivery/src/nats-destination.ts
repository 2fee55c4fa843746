import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { isIP, isIPv6 } from 'node:net';
import { BrokerPool } from './broker-pool.js';
import { BrokerSlots } from './broker-slots.js';
import { assertBrokerAddressesAllowed, brokerMessage, failedOutcome, publishOutcome } from './broker-message.js';
import type { SlotPriority } from './semaphore.js';
import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import type { BrokerDestinationOptions } from './rabbitmq-destination.js';
import { allowedAddresses, hostOf, targetPolicy, type TargetPolicy } from './ssrf-guard.js';
import type { OutgoingRequest } from './transport.js';

interface NatsClient {
  connection: NatsConnection;
  js: JetStreamClient;
}

/** What the client is given of a server list: `tls` when an address asks for it (tls://). */
export interface NatsServerOptions {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  tls?: Record<string, never>;
}

type TlsOptionsWithName = NonNullable<Parameters<typeof connect>[0]>['tls'];

/** The port a nats:// or tls:// address without one means. */
const NATS_DEFAULT_PORT = 4222;

/** The pool's key of a server list (the list itself: one connection per distinct list). */
function keyOf(servers: readonly string[]): string {
  return servers.join(',');
}

/**
 * The servers as the client is given them, their credentials apart: user and password (or a token, a user name
 * alone) from the first address that has them; TLS when any address is tls://.
 */
export function natsConnectOptions(servers: readonly string[]): NatsServerOptions {
  const options: NatsServerOptions = { servers: [] };
  for (const server of servers) {
    const url = new URL(server);
    if (url.username && options.user === undefined && options.token === undefined) {
      const user = decodeURIComponent(url.username);
      if (url.password) {
        options.user = user;
        options.pass = decodeURIComponent(url.password);
      } else options.token = user;
    }
    url.username = '';
    url.password = '';
    options.servers.push(url.port ? url.host : `${url.host}:${NATS_DEFAULT_PORT}`);
    if (url.protocol === 'tls:') options.tls = {};
  }
  return options;
}

/**
 * `{ "type": "nats", "servers": [..], "subject" }` (docs/delivery.md, "Broker destinations"): each delivery is one
 * JetStream publish, delivered once the stream acknowledged it; `Nats-Msg-Id` is the delivery id, so the stream's
 * duplicate window drops a second publish of it. A subject no stream takes (no responders) is a failed attempt.
 * One connection per server list, pooled and closed when idle; the client neither reconnects on its own (the
 * next attempt opens a fresh connection) nor follows the cluster's gossip to addresses nobody checked.
 */
export class NatsDestination implements Destination {
  readonly kind = 'nats';
  private readonly slots: BrokerSlots;
  private readonly pool: BrokerPool<NatsClient>;
  private readonly policy: TargetPolicy;

  constructor(private readonly options: BrokerDestinationOptions) {
    this.slots = new BrokerSlots(options);
    this.policy = targetPolicy(options.allowPrivateTargets);
    this.pool = new BrokerPool<NatsClient>(
      {
        open: (key) => this.open(key.split(',')),
        close: async (client) => client.connection.close().catch(() => undefined),
        isOpen: (client) => !client.connection.isClosed(),
      },
      options.idleMs,
      options.timeoutMs,
    );
  }

  async send(target: DestinationTarget, build: () => OutgoingRequest, priority?: SlotPriority): Promise<DestinationOutcome> {
    const destination = target.destination;
    if (destination?.type !== 'nats') return failedOutcome('error', 'not a nats destination', 0);
    const key = keyOf(destination.servers);
    let used: NatsClient | undefined;
    const result = await this.slots.run(
      key,
      () => brokerMessage(build()),
      (message) =>
        this.pool.with(key, async (client) => {
          used = client;
          const headers = natsHeaders();
          for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
          let ack: unknown;
          try {
            ack = await client.js.publish(destination.subject, message.body, { msgID: message.messageId, headers, timeout: message.timeoutMs ?? this.options.timeoutMs });
          } catch (error) {
            if (client.connection.isClosed()) this.pool.discard(key, client);
            throw namedRefusal(namedNoResponders(namedNotAnAck(error, destination.subject), destination.subject), {
              subject: destination.subject,
              bytes: message.body.length + encodedLength(headers),
              maxPayload: client.connection.info?.max_payload,
            });
          }
          assertStreamAcknowledged(ack, destination.subject);
        }),
      priority,
      (message) => message.timeoutMs,
    );
    return publishOutcome(result, {
      awaited: 'the stream to acknowledge',
      addresses: destination.servers,
      onTimeout: () => {
        if (used) this.pool.discard(key, used);
      },
      isTimeout: isTimeoutError,
    });
  }

  isCongested(target: DestinationTarget): boolean {
    return target.destination?.type === 'nats' && this.slots.isCongested(keyOf(target.destination.servers));
  }

  /**
   * Connects to the first server of the list that answers, in the list's order. The client would look each name up
   * again itself, with no hook for the address rules, so a name whose answer changed since the check (a DNS
   * rebinding) would reach an address nobody checked: each server is given to it as the addresses the guarded lookup
   * answered, the name kept for TLS.
   */
  private async open(servers: readonly string[]): Promise<NatsClient> {
    await assertBrokerAddressesAllowed(servers, this.policy);
    const options = natsConnectOptions(servers);
    let failure: unknown = new Error('no NATS server to connect to');
    for (const server of servers) {
      const url = new URL(server);
      const port = url.port || String(NATS_DEFAULT_PORT);
      const host = hostOf(url);
      const addresses = await allowedAddresses(url, this.policy);
      try {
        const connection = await connect({
          ...options,
          servers: addresses.map((address) => (isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`)),
          // SNI and the certificate's name are the server's name, not the address it was reached at. The transport
          // hands every field of `tls` to tls.connect, though its type names only its own.
          ...(options.tls && !isIP(host) ? { tls: { servername: host } as TlsOptionsWithName } : {}),
          timeout: this.options.timeoutMs,
          reconnect: false,
          ignoreClusterUpdates: true,
          noRandomize: true,
          name: 'hookfleet',
        });
        return { connection, js: jetstream(connection, { timeout: this.options.timeoutMs }) };
      } catch (error) {
        failure = namedAuthorizationRefusal(error);
      }
    }
    throw failure;
  }

  /** Closes every pooled connection (worker shutdown). */
  async close(): Promise<void> {
    this.slots.close();
    await this.pool.close();
  }
}

/**
 * The client reports a publish nobody answered (no stream takes the subject) as "jetstream is not enabled", which
 * sends an operator looking at the server's JetStream setting: the attempt log says what happened instead.
 */
function namedNoResponders(error: unknown, subject: string): unknown {
  if ((error as { name?: unknown } | null)?.name !== 'JetStreamNotEnabled') return error;
  return new Error(`no responders: no JetStream stream takes subject '${subject}'`, { cause: error });
}

/** What a refusal's message names: the subject, the message's size with its headers, the server's max_payload. */
interface RefusedMessage {
  subject: string;
  bytes: number;
  maxPayload: number | undefined;
}

/** The bytes of the headers as sent (the client's headers encode themselves, though their type does not say so). */
function encodedLength(headers: MsgHdrs): number {
  const encode = (headers as MsgHdrs & { encode?: () => Uint8Array }).encode;
  return typeof encode === 'function' ? encode.call(headers).length : 0;
}

/** A stream's refusal codes (JetStream's err_code) whose limit the attempt log names. */
const STREAM_LIMIT_OF_CODE: Record<number, string> = {
  10054: "the stream's max_msg_size",
  10077: "the stream's max_msgs, with discard: new",
  10047: "the stream's max_bytes, with discard: new",
};

/**
 * A message over a limit, in words that name it: the client refuses one over the server's `max_payload` before
 * sending it ("'payload' max_payload size exceeded", no sizes), and a stream answers one over its own limits with a
 * bare description ("message size exceeds maximum allowed").
 */
function namedRefusal(error: unknown, refused: RefusedMessage): unknown {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'InvalidArgumentError' && typeof message === 'string' && message.includes('max_payload')) {
    const limit = refused.maxPayload === undefined ? '' : ` of ${refused.maxPayload} bytes`;
    return new Error(`the message is ${refused.bytes} bytes with its headers, over the NATS server's max_payload${limit}; not sent`, { cause: error });
  }
  if (name === 'JetStreamApiError' && typeof message === 'string') {
    const code = (error as { code?: unknown }).code;
    const limit = typeof code === 'number' ? STREAM_LIMIT_OF_CODE[code] : undefined;
    const detail = limit === undefined ? '' : ` (${limit}; the message is ${refused.bytes} bytes with its headers)`;
    return new Error(`the stream taking subject '${refused.subject}' refused the message: ${message}${detail}`, { cause: error });
  }
  return error;
}

/** The server's bare "Authorization Violation" says what was refused: the credentials of the server URLs (or none). */
function namedAuthorizationRefusal(error: unknown): unknown {
  if ((error as { name?: unknown } | null)?.name !== 'AuthorizationError') return error;
  const message = (error as Error).message;
  return new Error(`${message}: the NATS server refused the user and password (or token) of the destination's server URLs, or their absence`, { cause: error });
}

/**
 * The publish is a request on the subject: whoever answers first is taken for the stream. The client accepts any
 * JSON answer without `"stream": ""` as an acknowledgement, so a plain NATS service that replies on the subject (and
 * no stream that stores it) would count as delivered what nobody kept: an answer that names no stream and no
 * sequence is a failed attempt.
 */
function assertStreamAcknowledged(ack: unknown, subject: string): void {
  const { stream, seq } = (ack ?? {}) as { stream?: unknown; seq?: unknown };
  if (typeof stream === 'string' && stream !== '' && typeof seq === 'number') return;
  throw notAnAck(subject);
}

/** An answer that is not JSON at all (a plain NATS service's reply) is not an acknowledgement either. */
function namedNotAnAck(error: unknown, subject: string): unknown {
  return error instanceof SyntaxError ? notAnAck(subject, error) : error;
}

function notAnAck(subject: string, cause?: unknown): Error {
  return new Error(`not acknowledged by a JetStream stream: what answered on subject '${subject}' is not a stream (no stream or sequence in its reply)`, { cause });
}

function isTimeoutError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}
