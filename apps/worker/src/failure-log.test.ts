import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createFailureLog } from './failure-log.js';

describe("the failed attempts' log", () => {
  function setup(intervalMs = 1000) {
    let clock = 0;
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = createFailureLog(pino(sink), intervalMs, () => clock);
    const fail = (subscriptionId: string, attempts: Array<[deliveryId: string, attempt: number, code: string]>) =>
      log.record(
        'standard',
        subscriptionId,
        attempts.map(([deliveryId, attempt, code]) => ({ deliveryId, attempt, code, error: `HTTP ${code}` })),
      );
    // pino writes to a stream asynchronously: let it.
    const written = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return lines;
    };
    return { log, fail, written, advance: (ms: number) => (clock += ms) };
  }

  it("writes a subscription's first failed part at once, as one line", async () => {
    const { fail, written, log } = setup();
    fail('sub_a', [
      ['dlv_1', 1, '500'],
      ['dlv_2', 1, '503'],
    ]);
    expect(await written()).toEqual([
      expect.objectContaining({
        msg: 'deliveries failed',
        profile: 'standard',
        subscription_id: 'sub_a',
        count: 2,
        attempts: [1],
        status_codes: { 500: 1, 503: 1 },
        error: 'HTTP 500',
        delivery_ids: ['dlv_1', 'dlv_2'],
      }),
    ]);
    expect((await written())[0]).not.toHaveProperty('parts');
    log.stop();
  });

  it('sums the parts that fail within the interval into one line at its end', async () => {
    const { fail, written, advance, log } = setup();
    fail('sub_a', [['dlv_1', 1, '500']]);
    for (let part = 0; part < 50; part += 1) fail('sub_a', [[`dlv_${part + 10}`, 2 + (part % 3), part % 2 ? '500' : 'timeout']]);
    log.flush();
    expect(await written()).toHaveLength(1);
    advance(1000);
    log.flush();
    const lines = await written();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      subscription_id: 'sub_a',
      count: 50,
      parts: 50,
      attempts: [2, 3, 4],
      status_codes: { 500: 25, timeout: 25 },
      delivery_ids: Array.from({ length: 10 }, (_, index) => `dlv_${index + 10}`),
    });
    // Nothing held: the next failure after the interval is written at once.
    advance(1000);
    log.flush();
    fail('sub_a', [['dlv_99', 5, '500']]);
    expect((await written()).map((line) => line.count)).toEqual([1, 50, 1]);
    log.stop();
  });

  it('follows each subscription on its own, and writes what it holds when it stops', async () => {
    const { fail, written, log } = setup();
    fail('sub_a', [['dlv_1', 1, '500']]);
    fail('sub_b', [['dlv_2', 1, '500']]);
    fail('sub_a', [['dlv_3', 1, '500']]);
    fail('sub_a', [['dlv_4', 1, '500']]);
    fail('sub_a', [['dlv_4', 2, '500']]);
    expect((await written()).map((line) => line.subscription_id)).toEqual(['sub_a', 'sub_b']);
    log.stop();
    expect((await written()).slice(2)).toEqual([
      expect.objectContaining({ subscription_id: 'sub_a', count: 3, parts: 3, attempts: [1, 2], delivery_ids: ['dlv_3', 'dlv_4'] }),
    ]);
  });
});
