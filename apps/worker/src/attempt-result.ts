import type { AttemptRecord } from '@hookfleet/core';
import { statusOf } from '@hookfleet/delivery';
import { eventReceivedAtMs, type AttemptResult } from '@hookfleet/store';
import type { Judged } from './engine.js';

/**
 * The last attempt time and its ISO text: at thousands of attempts a second many fall in the same millisecond, and they
 * share one toISOString (about 1 µs each).
 */
let formattedMs = Number.NaN;
let formatted = '';

function isoTimeOf(date: Date): string {
  const ms = date.getTime();
  if (ms !== formattedMs) {
    formatted = date.toISOString();
    formattedMs = ms;
  }
  return formatted;
}

/**
 * What settle writes for one judged attempt (DeliveryStore.settle): the attempt log's record, the delivery's new
 * state, and the event's acceptance time its indexes are scored by.
 */
export function resultOf(subscriptionId: string, { item, judgement, outcome, sentAt, batchId }: Judged): AttemptResult {
  const answered = outcome.kind === 'unbuildable' ? null : outcome;
  const record: AttemptRecord = {
    delivery_id: item.deliveryId,
    event_id: item.event.id,
    attempt: item.attempt,
    status_code: answered?.code ?? null,
    ok: judgement.verdict.kind === 'delivered',
    error: judgement.error,
    duration_ms: Math.round((answered?.durationMs ?? 0) * 100) / 100,
    at: isoTimeOf(sentAt),
    response_body: answered?.responseBody || null,
  };
  // Set, not spread into the literal: a conditional spread took the slow copying path for every delivery.
  if (batchId !== undefined) record.batch_id = batchId;
  const result: AttemptResult = {
    eventReceivedAt: eventReceivedAtMs(item.event),
    deliveryId: item.deliveryId,
    subscriptionId,
    status: statusOf(judgement.verdict),
    attempts: item.attempt,
    nextAttemptAt: judgement.verdict.kind === 'retry' ? judgement.verdict.at : null,
    record,
    bookkeeping: judgement.bookkeeping,
  };
  if (item.unrecorded) result.created = { eventId: item.event.id };
  return result;
}
