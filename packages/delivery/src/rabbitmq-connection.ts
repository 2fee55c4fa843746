import type { ChannelModel, ConfirmChannel } from 'amqplib';
// AMQP's limit on a header name (refused by the subscription schema; said in AMQP's terms here for subscriptions
// stored before that).
import { MAX_HEADER_NAME_CHARS } from '@hookfleet/core';
import type { BrokerMessage } from './broker-message.js';

/**
 * A pooled RabbitMQ connection of the destination (rabbitmq-destination.ts), and what the broker's refusals on it
 * mean for each publish: a block (its memory or disk alarm), a nack, a channel it closed over another message, a
 * message amqplib cannot write.
 */

/** One pooled RabbitMQ connection: a confirm channel, and the message ids the broker returned as unroutable. */
export interface RabbitConnection {
  model: ChannelModel;
  channel: ConfirmChannel;
  returned: Set<string>;
  broken: boolean;
  /** The broker's reason while it blocks this connection's publishes (`connection.blocked`: its memory or disk alarm). */
  blockedBecause?: string;
  /** Publishes sent and not yet answered for: a block fails them (`failInFlightAtBlock`). */
  inFlight: Set<InFlightPublish>;
  /** Message ids of publishes failed at a block that the broker has not answered for yet (it may still take them), each with how many. */
  abandoned: Map<string, number>;
  /**
   * Why the broker closed the channel or the connection (`404 (NOT-FOUND) … no exchange 'x'`): amqplib fails each
   * unconfirmed publish with a bare "channel closed" and says why only in the 'error' event before it.
   */
  closedBecause?: Error;
}

/** A publish waiting for the broker's confirmation. */
export interface InFlightPublish {
  messageId: string;
  fail(error: Error): void;
}

/** The broker blocks this connection's publishes (its memory or disk alarm) until it sends `connection.unblocked`. */
export class BrokerBlocked extends Error {}

export function blockedPublishing(reason: string): string {
  return reason ? `the broker blocked publishing: ${reason}` : 'the broker blocked publishing';
}

/** RabbitMQ's words when it refuses a message over its `max_message_size` (the body's bytes). */
export const OVER_MAX_MESSAGE_SIZE = /message size (\d+) is larger than configured max size (\d+)/;

/**
 * Fails the publishes waiting for their confirmation when the broker blocks the connection, rather than letting each
 * hold its slots until its timeout (whose ending would drop the connection, and the next one would be blocked too).
 * The broker may hold them unread in the socket, or have taken them already: it may still confirm them, so none is
 * reported delivered, and the failure says it may still be taken. A failure climbs the ladder, and the retry carries
 * the same message id: should the broker take the first copy after all, the subscriber gets it twice and drops one by
 * `messageId`, which at-least-once allows (docs/delivery.md, "Delivered twice?"); nothing is reported delivered that
 * the broker did not confirm, so nothing is lost. Until the broker answers for a failed publish (its confirmation,
 * nack or return comes, or the connection closes), a retry of it is not sent on this channel (`publish`): unroutable
 * returns are matched by message id, and two copies unconfirmed at once could let one's return be taken for the
 * other's, reporting an unroutable message delivered.
 */
export function failInFlightAtBlock(connection: RabbitConnection): void {
  const reason = blockedPublishing(connection.blockedBecause ?? '');
  for (const waiting of connection.inFlight) {
    if (waiting.messageId) connection.abandoned.set(waiting.messageId, (connection.abandoned.get(waiting.messageId) ?? 0) + 1);
    waiting.fail(
      new BrokerBlocked(
        `${reason}; this message was sent before the block and is not confirmed: the broker may still take it once it unblocks (a retry carries the same message id)`,
      ),
    );
  }
  connection.inFlight.clear();
}

/** The broker answered for one publish failed at a block. */
export function forget(abandoned: Map<string, number>, id: string): void {
  const left = (abandoned.get(id) ?? 0) - 1;
  if (left > 0) abandoned.set(id, left);
  else abandoned.delete(id);
}

/**
 * Why the broker did not confirm a publish. A nack is the broker refusing this message; a channel it closed fails
 * every publish in flight on it with the reason of the one it closed it over (amqplib says only "channel closed"), so a
 * message other than the one over the size limit says it was not the one refused.
 */
export function refusalOf(connection: RabbitConnection, message: BrokerMessage, error: unknown): Error {
  const closedBecause = connection.closedBecause;
  if (closedBecause) {
    const over = OVER_MAX_MESSAGE_SIZE.exec(closedBecause.message);
    if (over && Number(over[1]) !== message.body.length)
      return new Error(`not confirmed: the broker closed the channel over another message published on it (${closedBecause.message}); this one was not refused`, {
        cause: closedBecause,
      });
    return closedBecause;
  }
  if (error instanceof Error && error.message === 'message nacked')
    return new Error(
      'the broker refused the message (basic.nack): a queue it routes to is full and rejects new messages (x-overflow: reject-publish), or the broker could not store it',
    );
  return error instanceof Error ? error : new Error(`the broker refused the message (${String(error)})`);
}

/** A message amqplib cannot write as AMQP (a header name over 255 bytes), said in AMQP's terms. */
export function unencodable(message: BrokerMessage, error: unknown): Error {
  const longName = Object.keys(message.headers).find((name) => Buffer.byteLength(name) > MAX_HEADER_NAME_CHARS);
  if (longName !== undefined)
    return new Error(`header name '${longName.slice(0, 40)}…' is ${Buffer.byteLength(longName)} bytes, over AMQP's limit of ${MAX_HEADER_NAME_CHARS}; not sent`);
  return new Error(`the message cannot be written as AMQP (${error instanceof Error ? error.message : String(error)}); not sent`, { cause: error });
}
