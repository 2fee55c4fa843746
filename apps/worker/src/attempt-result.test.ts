import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '@hookfleet/core';
import type { Judgement, SendOutcome } from '@hookfleet/delivery';
import { resultOf } from './attempt-result.js';
import type { Judged } from './engine.js';

const event = { id: 'evt_1', received_at: '2026-12-05T02:00:40.000Z' } as StoredEvent;
const sentAt = new Date('2026-12-05T02:00:41.000Z');
const answered = (code: number): Exclude<SendOutcome, { kind: 'stalled' }> => ({
  kind: 'answered',
  code,
  pauseAskedMs: null,
  responseBody: 'ok',
  error: null,
  durationMs: 12.345,
});
const judged = (outcome: Judged['outcome'], judgement: Partial<Judgement>, batchId?: string): Judged => ({
  item: { deliveryId: 'dlv_1', event, attempt: 2 },
  outcome,
  sentAt,
  judgement: { verdict: { kind: 'delivered' }, label: 'success', pauseMs: 0, bookkeeping: undefined, error: null, ...judgement },
  ...(batchId === undefined ? {} : { batchId }),
});

describe('resultOf', () => {
  it('records a delivered attempt, its state and the event time its indexes are scored by', () => {
    const result = resultOf('sub_1', judged(answered(200), {}));
    expect(result).toEqual({
      eventReceivedAt: Date.parse(event.received_at),
      deliveryId: 'dlv_1',
      subscriptionId: 'sub_1',
      status: 'delivered',
      attempts: 2,
      nextAttemptAt: null,
      record: {
        delivery_id: 'dlv_1',
        event_id: 'evt_1',
        attempt: 2,
        status_code: 200,
        ok: true,
        error: null,
        duration_ms: 12.35,
        at: sentAt.toISOString(),
        response_body: 'ok',
      },
      bookkeeping: undefined,
    });
    expect(JSON.stringify(result.record)).not.toContain('batch_id');
  });

  it('records a failure with its next attempt, and a batch member with its batch id last', () => {
    const result = resultOf(
      'sub_1',
      judged(answered(500), { verdict: { kind: 'retry', at: 1_000, delayMs: 5 }, label: 'failure', error: 'HTTP 500' }, 'batch_x'),
    );
    expect(result.status).toBe('failed');
    expect(result.nextAttemptAt).toBe(1_000);
    expect(result.record).toMatchObject({ ok: false, status_code: 500, error: 'HTTP 500', batch_id: 'batch_x' });
    expect(Object.keys(result.record).at(-1)).toBe('batch_id');
  });

  it('records a request that could not be built as dead, with no status code and no duration', () => {
    const result = resultOf(
      'sub_1',
      judged({ kind: 'unbuildable', error: 'no secret' }, { verdict: { kind: 'dead' }, label: 'error', error: 'request not built' }),
    );
    expect(result.status).toBe('dead');
    expect(result.record).toMatchObject({ status_code: null, duration_ms: 0, response_body: null, ok: false });
  });

  it("writes each attempt's own time, down to the millisecond, when attempts in one millisecond share its text", () => {
    const at = (ms: number) => resultOf('sub_1', { ...judged(answered(200), {}), sentAt: new Date(ms) }).record.at;
    const base = Date.parse('2026-12-05T02:00:41.000Z');
    expect([at(base), at(base), at(base + 1), at(base), at(base + 1_000)]).toEqual([
      '2026-12-05T02:00:41.000Z',
      '2026-12-05T02:00:41.000Z',
      '2026-12-05T02:00:41.001Z',
      '2026-12-05T02:00:41.000Z',
      '2026-12-05T02:00:42.000Z',
    ]);
  });
});
