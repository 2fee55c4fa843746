import { connect, type ConfirmChannel, type SocketOptions } from 'amqplib';
// Headers RabbitMQ reads as routing instructions (the broker closes the channel over one, failing every publish in
// flight on it): refused by the subscription schema, and again here before publishing for subscriptions stored before
// that.
import { RABBITMQ_ROUTING_HEADERS } from '@hookfleet/core';
import type { Socket } from 'node:net';
import { BrokerPool } from './broker-pool.js';
import { BrokerBlocked, blockedPublishing, failInFlightAtBlock, forget, OVER_MAX_MESSAGE_SIZE, refusalOf, unencodable, type InFlightPublish, type RabbitConnection } from './rabbitmq-connection.js';
import { BrokerSlots, type BrokerSlotsOptions } from './broker-slots.js';
import { assertBrokerAddressesAllowed, brokerMessage, failedOutcome, publishOutcome, type BrokerMessage } from './broker-message.js';
import type { SlotPriority } from './semaphore.js';
import type { Destination, DestinationOutcome, DestinationTarget } from './destination.js';
import { guardedLookupFor, targetPolicy, type TargetPolicy } from './ssrf-guard.js';
import type { OutgoingRequest } from './transport.js';

export interface BrokerDestinationOptions extends BrokerSlotsOptions {
  allowPrivateTargets: boolean;
  /** A connection unused this long is closed. */
  idleMs: number;
}

/** The message a mandatory publish came back as: no queue is bound to its routing key. */
class Unroutable extends Error {}

/**
 * How long a broker's `max_message_size`, learned from its refusal of a larger message, refuses larger messages
 * before they are sent: the broker refuses one by closing the channel, failing every publish in flight on it. Not
 * forever, so a limit the broker's owner raised is seen again within this.
 */
const LEARNED_SIZE_LIMIT_MS = 10 * 60_000;

/**
 * `{ "type": "rabbitmq", "url", "exchange", "routing_key" }` (docs/delivery.md, "Broker destinations"): each
 * delivery is one persistent, mandatory publish on a confirm channel, delivered once the broker confirmed it
 * (publisher confirms). A message no queue takes (returned as unroutable) or one the broker refuses is a failed
 * attempt. One connection per URL and exchange, pooled and closed when idle: the broker answers a publish to an
 * exchange that does not exist by closing its channel, and every publish waiting on that channel fails with it, so
 * one subscription's missing exchange must not share a channel with another's deliveries.
 */
export class RabbitmqDestination implements Destination {
  readonly kind = 'rabbitmq';
  private readonly slots: BrokerSlots;
  private readonly pool: BrokerPool<RabbitConnection>;
  private readonly policy: TargetPolicy;
  /** Per broker URL: the `max_message_size` it refused a message over, and until when it is held against others. */
  private readonly learnedSizeLimits = new Map<string, { maxBytes: number; until: number }>();

  constructor(private readonly options: BrokerDestinationOptions) {
    this.slots = new BrokerSlots(options);
    this.policy = targetPolicy(options.allowPrivateTargets);
    this.pool = new BrokerPool(
      {
        open: (key) => this.open(urlOfPoolKey(key)),
        close: (connection) => closeWithin(connection, options.timeoutMs),
        isOpen: (connection) => !connection.broken,
      },
      options.idleMs,
      options.timeoutMs,
    );
  }

  async send(target: DestinationTarget, build: () => OutgoingRequest, priority?: SlotPriority): Promise<DestinationOutcome> {
    const destination = target.destination;
    if (destination?.type !== 'rabbitmq') return failedOutcome('error', 'not a rabbitmq destination', 0);
    const { url, exchange, routing_key: routingKey } = destination;
    const key = poolKey(url, exchange);
    let used: RabbitConnection | undefined;
    const result = await this.slots.run(
      url,
      () => brokerMessage(build()),
      (message) => {
        const refused = this.refusedBeforePublish(url, message);
        if (refused) return Promise.reject(refused);
        return this.pool.with(key, (connection) => {
          used = connection;
          return this.publish(connection, exchange, routingKey, message).catch((error: unknown) => {
            // A channel the broker closed (an unknown exchange) or a connection that broke is not used again.
            if (connection.broken) this.pool.discard(key, connection);
            throw error;
          });
        });
      },
      priority,
      (message) => message.timeoutMs,
    );
    return publishOutcome(result, {
      awaited: 'the broker to confirm',
      addresses: [url],
      // The next attempt opens a fresh connection.
      onTimeout: () => {
        if (used) this.pool.discard(key, used);
      },
    });
  }

  isCongested(target: DestinationTarget): boolean {
    return target.destination?.type === 'rabbitmq' && this.slots.isCongested(target.destination.url);
  }

  /**
   * A message the broker would refuse by closing the channel, failing every publish in flight on it with it: one
   * carrying a routing instruction as a header, or one over the `max_message_size` the broker refused a message over.
   */
  private refusedBeforePublish(url: string, message: BrokerMessage): Error | undefined {
    for (const name of RABBITMQ_ROUTING_HEADERS) {
      if (Object.hasOwn(message.headers, name))
        return new Error(
          `header '${name}' is a routing instruction to RabbitMQ (a list of further routing keys), not a value it carries: the broker would close the channel over it; not sent (remove it from the subscription's headers)`,
        );
    }
    const limit = this.learnedSizeLimits.get(url);
    if (limit === undefined) return undefined;
    if (limit.until <= Date.now()) {
      this.learnedSizeLimits.delete(url);
      return undefined;
    }
    if (message.body.length <= limit.maxBytes) return undefined;
    return new Error(
      `the message is ${message.body.length} bytes, over the broker's max_message_size of ${limit.maxBytes} bytes (it refused a larger message over it); not sent`,
    );
  }

  private async publish(connection: RabbitConnection, exchange: string, routingKey: string, message: BrokerMessage): Promise<void> {
    const { channel, returned, inFlight, abandoned } = connection;
    // Nothing is written while the broker blocks the connection: it would wait unread in the socket until the block
    // ends, holding this attempt's slots until its timeout, and the timeout would drop a connection that is sound.
    if (connection.blockedBecause !== undefined) throw new BrokerBlocked(`${blockedPublishing(connection.blockedBecause)}; not sent`);
    const id = message.messageId;
    // An earlier attempt of this delivery failed at a block and the broker has not answered for it yet: returns are
    // matched to publishes by message id, so of two copies unconfirmed at once one's return could be taken for the other's.
    if (id && abandoned.has(id))
      throw new BrokerBlocked(
        'an earlier attempt of this delivery is still held by the broker, unconfirmed (it was sent before the broker blocked publishing); not sent again until the broker answers for it',
      );
    await new Promise<void>((resolve, reject) => {
      const waiting: InFlightPublish = { messageId: id, fail: reject };
      inFlight.add(waiting);
      try {
        channel.publish(
          exchange,
          routingKey,
          message.body,
          {
            persistent: true,
            mandatory: true,
            contentType: message.headers['content-type'],
            messageId: message.messageId,
            timestamp: Math.floor(Date.now() / 1000),
            headers: message.headers,
          },
          (error: unknown) => {
            // A publish failed at the block (no longer in flight) is answered for here too: its late confirmation
            // settles a promise already failed, and changes nothing reported.
            if (!inFlight.delete(waiting)) forget(abandoned, id);
            // The broker sends basic.return before the confirmation of the same message.
            const wasReturned = returned.delete(message.messageId);
            if (error) reject(refusalOf(connection, message, error));
            else if (wasReturned)
              reject(new Unroutable(`no queue is bound to exchange '${exchange}' with routing key '${routingKey}' (the message was returned)`));
            else resolve();
          },
        );
      } catch (error) {
        inFlight.delete(waiting);
        // A channel that closed since the pool handed it out refuses at once ("Channel closed"). Otherwise amqplib
        // could not encode the message, and wrote nothing of it (encodeProperties throws first): the channel goes on.
        reject(connection.broken ? refusalOf(connection, message, error) : unencodable(message, error));
      }
    });
  }

  private async open(url: string): Promise<RabbitConnection> {
    await assertBrokerAddressesAllowed([url], this.policy);
    const socketOptions = { timeout: this.options.timeoutMs, lookup: guardedLookupFor(this.policy) } as SocketOptions;
    const model = await connect(url, socketOptions);
    // A connection error while the channel opens fails createConfirmChannel; unheard, it would throw in the worker.
    model.on('error', () => undefined);
    let channel: ConfirmChannel;
    try {
      channel = await model.createConfirmChannel();
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    const connection: RabbitConnection = { model, channel, returned: new Set(), broken: false, inFlight: new Set(), abandoned: new Map() };
    const markBroken = () => {
      connection.broken = true;
    };
    // An 'error' without a listener would throw in the worker; the broken connection is dropped on its next use.
    for (const emitter of [model, channel]) {
      emitter.on('error', (error: Error) => {
        connection.closedBecause ??= error;
        this.learnSizeLimit(url, error);
        markBroken();
      });
      emitter.on('close', markBroken);
    }
    // The connection is kept through a block: it is sound, and the broker says on it when publishing may go on.
    model.on('blocked', (reason: unknown) => {
      connection.blockedBecause = typeof reason === 'string' ? reason : '';
      failInFlightAtBlock(connection);
    });
    model.on('unblocked', () => {
      connection.blockedBecause = undefined;
    });
    channel.on('return', (returnedMessage: { properties: { messageId?: string } }) => {
      const id = returnedMessage.properties.messageId;
      if (id) connection.returned.add(id);
    });
    return connection;
  }

  /** The broker closed a channel over a message larger than its `max_message_size`: larger ones are refused before they are sent. */
  private learnSizeLimit(url: string, error: Error): void {
    const over = OVER_MAX_MESSAGE_SIZE.exec(error.message);
    if (!over) return;
    const now = Date.now();
    for (const [other, limit] of this.learnedSizeLimits) if (limit.until <= now) this.learnedSizeLimits.delete(other);
    this.learnedSizeLimits.set(url, { maxBytes: Number(over[2]), until: now + LEARNED_SIZE_LIMIT_MS });
  }

  /** Closes every pooled connection (worker shutdown). */
  async close(): Promise<void> {
    this.slots.close();
    await this.pool.close();
  }
}

/** The pool's key of a connection: the exchange (letters, digits and `_ . : -` only) before the URL. */
function poolKey(url: string, exchange: string): string {
  return `${exchange}\n${url}`;
}

function urlOfPoolKey(key: string): string {
  return key.slice(key.indexOf('\n') + 1);
}

/**
 * Closes a connection, cutting its socket if the broker has not answered the close within `timeoutMs`: amqplib waits
 * for the broker's close-ok with no limit of its own, so a broker that stopped answering (the very connection a
 * timed-out publish drops) would hold the socket until heartbeats gave up, and a worker's stop with it.
 */
async function closeWithin(connection: RabbitConnection, timeoutMs: number): Promise<void> {
  connection.broken = true;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave up'>((resolve) => {
    timer = setTimeout(() => resolve('gave up'), timeoutMs);
    timer.unref();
  });
  const ended = await Promise.race([connection.model.close().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  // The model keeps its socket on its connection (amqplib/lib/connection.js), with no API to cut it. Cut with an
  // error: amqplib ends the connection (its heartbeat timers too) on the socket's 'error' or 'end', not on 'close'.
  if (ended === 'gave up')
    (connection.model as unknown as { connection: { stream: Socket } }).connection.stream.destroy(new Error('the broker did not answer the close'));
}
