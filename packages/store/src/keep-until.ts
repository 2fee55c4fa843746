import type { ChainableCommander } from 'ioredis';
import { queueIndexHolds } from './index-holds.js';
import type { Keys } from './keys.js';

/** A delivery to keep attemptable until `untilMs`. */
export interface KeptDelivery {
  eventId: string;
  deliveryId: string;
  /** When its event was accepted: its index entries' score. */
  eventReceivedAt: number;
  untilMs: number;
}

/**
 * Queues what keeps deliveries of one subscription attemptable until their `untilMs`: each one's event payload and
 * record, kept at least that long and never shortened (PEXPIREAT GT), and their index entries held as long (one
 * command for all: index-holds.ts), so that they stay listed. A key already gone stays gone (PEXPIREAT on a missing
 * key does nothing), so nothing that ended or expired is brought back. A delivery whose next attempt lies past the
 * lifetime it was given (an ordered backlog waiting behind its head, a ladder lengthened by PATCH) needs both: its
 * attempt reads the payload, and its state is its record.
 */
export function queueKeepUntil(pipeline: ChainableCommander, keys: Keys, subscriptionId: string, kept: readonly KeptDelivery[]): void {
  for (const { eventId, deliveryId, untilMs } of kept) {
    const at = Math.ceil(untilMs);
    pipeline.pexpireat(keys.event(eventId), at, 'GT');
    pipeline.pexpireat(keys.delivery(deliveryId), at, 'GT');
  }
  queueIndexHolds(
    pipeline,
    keys,
    subscriptionId,
    kept.map(({ deliveryId, eventReceivedAt, untilMs }) => ({ deliveryId, score: eventReceivedAt, untilMs })),
  );
}
