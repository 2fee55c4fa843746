import type { Subscription } from '@hookfleet/core';
import type { SlotPriority } from './semaphore.js';
import type { OutgoingRequest } from './transport.js';

/**
 * How one send ended, in the words the engine judges by. `answered`: the destination replied with `code` (an HTTP
 * status; a broker destination would map its acknowledgement to a code its profile judges). `timeout` and `error`:
 * no reply. `stalled`: not sent at all — the destination is saturated and not progressing, so the delivery stays
 * pending and its job steps aside.
 */
export interface DestinationOutcome {
  kind: 'answered' | 'timeout' | 'error' | 'stalled';
  code: number | null;
  /** The destination asked for a break before anything more is sent (HTTP: Retry-After on a 429 or 503), in ms from now. */
  pauseAskedMs: number | null;
  /** What the reply said, kept for the attempt log (bounded by the destination). */
  responseBody: string;
  error: string | null;
  durationMs: number;
}

/** What a destination reads of a subscription: its address. */
export type DestinationTarget = Pick<Subscription, 'url' | 'destination'>;

/**
 * Where deliveries go (docs/architecture.md, "The delivery engine"): the engine builds a request with the profile,
 * hands it to its subscription's destination and judges the outcome; it knows nothing else about how the request
 * travels. HTTP is the first kind; message brokers (rabbitmq-destination.ts, nats-destination.ts) and pull endpoints are
 * kinds behind the same two methods, and DestinationsByKind hands each subscription to its kind's.
 */
export interface Destination {
  readonly kind: string;
  /**
   * Sends one request to `target` (the subscription's address: `url` for HTTP, `destination` for the other kinds). `build` is called once there is room to send, so a
   * waiting delivery holds no body and a signature's timestamp is the time it leaves; an error thrown by `build` is
   * thrown here. `priority`: a retry waits for a busy destination's slots behind its first attempts (semaphore.ts).
   */
  send(target: DestinationTarget, build: () => OutgoingRequest, priority?: SlotPriority): Promise<DestinationOutcome>;
  /** True while more work for `target` would only wait (it is saturated and not progressing): its jobs step aside. */
  isCongested(target: DestinationTarget): boolean;
  /**
   * Resolves once no first attempt waits for `target`'s slots (at once when none does, and within a bounded hold):
   * where a retry job waits before it prepares anything. Absent: retries never wait for it.
   */
  firstAttemptsServed?(target: DestinationTarget): Promise<void>;
  /**
   * Resolves once `target` has room for more first attempts (fewer wait for its slots than it has): where a part of
   * first attempts waits whole before it starts them. The part's `attempts` (as many as it starts at once) count as
   * waiting until it calls the function it gets back, right after starting them: parts let in together cannot all
   * find the queue empty. Absent: parts start at once.
   */
  roomForFirstAttempts?(target: DestinationTarget, attempts: number): Promise<() => void>;
}
