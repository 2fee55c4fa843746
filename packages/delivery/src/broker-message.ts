import { TargetNotAllowed, withoutPassword } from '@hookfleet/core';
import type { SlotResult } from './broker-slots.js';
import type { DestinationOutcome } from './destination.js';
import { describeFailure } from './failure-message.js';
import { assertTargetAllowed, type TargetPolicy } from './ssrf-guard.js';
import type { OutgoingRequest } from './transport.js';

/**
 * What a broker's confirmation is in the engine's words: an answer every profile judges a success (the engine
 * judges by codes, destination.ts). A refusal is no answer but an `error` with the broker's reason, so it climbs the
 * subscription's ladder like a connection error.
 */
export const BROKER_CONFIRMED_CODE = 200;

/** The message a broker carries for one delivery: the signed body's bytes and every webhook header the profile built. */
export interface BrokerMessage {
  body: Buffer;
  /** The delivery id: RabbitMQ's `messageId`, JetStream's `Nats-Msg-Id` (its duplicate window drops a second publish). */
  messageId: string;
  headers: Record<string, string>;
  /** The subscription's own `timeout_ms` for this attempt; absent: the process's (DELIVERY_TIMEOUT_MS). */
  timeoutMs?: number;
}

export const BROKER_CONTENT_TYPE = 'application/json';

export function brokerMessage(request: OutgoingRequest): BrokerMessage {
  const headers: Record<string, string> = { 'content-type': BROKER_CONTENT_TYPE, ...request.headers };
  const message: BrokerMessage = { body: Buffer.from(request.body), messageId: headers['webhook-id'] ?? '', headers };
  if (request.timeoutMs !== undefined) message.timeoutMs = request.timeoutMs;
  return message;
}

function confirmedOutcome(durationMs: number): DestinationOutcome {
  return { kind: 'answered', code: BROKER_CONFIRMED_CODE, pauseAskedMs: null, responseBody: '', error: null, durationMs };
}

export function failedOutcome(kind: 'error' | 'timeout', error: string, durationMs: number): DestinationOutcome {
  return { kind, code: null, pauseAskedMs: null, responseBody: '', error, durationMs };
}

/** What a broker destination says of how a publish ended, beside the slot's result. */
export interface PublishEnding {
  /** What the destination waited for: "the broker to confirm", "the stream to acknowledge". */
  awaited: string;
  /** The addresses its client may quote in an error (describeBrokerFailure hides their credentials). */
  addresses: readonly string[];
  /** No confirmation in time: the connection used may hang, so the destination drops it. */
  onTimeout(): void;
  /** A failure its client reports as a timeout of its own counts as one. */
  isTimeout?(error: unknown): boolean;
}

/** A publish's slot result in the engine's words (destination.ts), the same for every broker. */
export function publishOutcome(result: SlotResult<unknown>, ending: PublishEnding): DestinationOutcome {
  if (result.kind === 'stalled') return { kind: 'stalled', code: null, pauseAskedMs: null, responseBody: '', error: 'broker stalled', durationMs: 0 };
  if (result.kind === 'done') return confirmedOutcome(result.durationMs);
  if (result.kind === 'timeout') {
    ending.onTimeout();
    return failedOutcome('timeout', `timed out waiting for ${ending.awaited}`, result.durationMs);
  }
  return failedOutcome(ending.isTimeout?.(result.error) ? 'timeout' : 'error', describeBrokerFailure(result.error, ending.addresses), result.durationMs);
}

/**
 * Why a publish failed, in words that carry no credential: a client library may quote the URL it was given
 * (with its password) in an error, so every address and every password in it is replaced, whatever the library said.
 */
export function describeBrokerFailure(error: unknown, addresses: readonly string[]): string {
  const shown = addresses.map(withoutPassword).join(', ');
  let message = describeFailure(error, shown);
  for (const address of addresses) {
    message = message.split(address).join(withoutPassword(address));
    const secrets = credentialsOf(address);
    for (const secret of secrets) if (secret.length >= 3) message = message.split(secret).join('***');
  }
  return message;
}

function credentialsOf(address: string): string[] {
  try {
    const url = new URL(address);
    return [url.password, decodeURIComponent(url.password)].filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The address rules of HTTP targets (ssrf-guard.ts, HOOKFLEET_ALLOW_PRIVATE_TARGETS) for a broker's hosts, checked
 * before each connection is opened: the literal host, then every address its name resolves to.
 */
export async function assertBrokerAddressesAllowed(addresses: readonly string[], policy: TargetPolicy): Promise<void> {
  for (const address of addresses) {
    try {
      await assertTargetAllowed(address, policy);
    } catch (error) {
      if (error instanceof TargetNotAllowed) throw new TargetNotAllowed(error.message.split(address).join(withoutPassword(address)));
      throw error;
    }
  }
}
