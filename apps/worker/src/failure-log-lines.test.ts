import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { createFailureLog } from './failure-log.js';

/** The dead, abandoned and circuit open lines of a failing subscription, summed as its failed ones (failure-log.test.ts). */
describe("a failing subscription's other lines", () => {
  function setup() {
    let clock = 1_000_000;
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = createFailureLog(pino(sink), 1000, () => clock);
    // pino writes to a stream asynchronously: let it.
    const written = async (msg: string) => {
      await new Promise((resolve) => setImmediate(resolve));
      return lines.filter((line) => line.msg === msg);
    };
    return { log, written, advance: (ms: number) => (clock += ms) };
  }

  it('writes the first dead part at once, naming a lone delivery as before, and sums the rest at the interval end', async () => {
    const { log, written, advance } = setup();
    log.dead('standard', 'sub_a', [{ deliveryId: 'dlv_1', attempt: 8, code: '500', statusCode: 500, error: 'HTTP 500' }]);
    for (let part = 0; part < 40; part += 1) {
      log.dead('standard', 'sub_a', [
        { deliveryId: `dlv_${part}a`, attempt: 8, code: '500', statusCode: 500, error: 'HTTP 500' },
        { deliveryId: `dlv_${part}b`, attempt: 1, code: '410', statusCode: 410, error: 'HTTP 410' },
      ]);
    }
    log.flush();
    expect(await written('delivery dead')).toEqual([
      expect.objectContaining({ level: 40, profile: 'standard', subscription_id: 'sub_a', count: 1, delivery_ids: ['dlv_1'], delivery_id: 'dlv_1', attempt: 8, status_code: 500 }),
    ]);
    advance(1000);
    log.flush();
    const [, sum] = await written('delivery dead');
    expect(sum).toMatchObject({ count: 80, parts: 40, attempts: [1, 8], status_codes: { 500: 40, 410: 40 } });
    expect(sum?.delivery_ids).toHaveLength(10);
    expect(sum).not.toHaveProperty('status_code');
    log.stop();
  });

  it('sums abandoned deliveries by reason, and circuit openings with the longest pause, each subscription on its own', async () => {
    const { log, written, advance } = setup();
    log.abandoned('standard', 'sub_a', ['dlv_1'], 'subscription inactive');
    for (let job = 0; job < 30; job += 1) log.abandoned(job === 0 ? null : 'standard', 'sub_a', [`dlv_${job}x`, `dlv_${job}y`], job % 3 ? 'subscription inactive' : 'event payload expired');
    log.abandoned(null, 'sub_gone', ['dlv_9'], 'subscription deleted');
    for (let part = 1; part <= 50; part += 1) log.circuitOpen('standard', 'sub_a', 10 + part, part * 10);
    advance(1000);
    log.flush();
    const abandoned = await written('deliveries abandoned');
    expect(abandoned).toEqual([
      expect.objectContaining({ level: 30, subscription_id: 'sub_a', profile: 'standard', count: 1, reasons: { 'subscription inactive': 1 } }),
      expect.objectContaining({ subscription_id: 'sub_gone', profile: null, count: 1, reasons: { 'subscription deleted': 1 } }),
      expect.objectContaining({ subscription_id: 'sub_a', profile: 'standard', count: 60, parts: 30, reasons: { 'subscription inactive': 40, 'event payload expired': 20 } }),
    ]);
    const circuit = await written('endpoint circuit open');
    expect(circuit).toEqual([
      expect.objectContaining({ level: 40, profile: 'standard', subscription_id: 'sub_a', count: 1, consecutive_failures: 11, pause_ms: 10 }),
      expect.objectContaining({ count: 49, consecutive_failures: 60, pause_ms: 500, paused_until: new Date(1_000_000 + 500).toISOString() }),
    ]);
    log.stop();
  });

  it('writes every line it holds back when it stops', async () => {
    const { log, written } = setup();
    for (let part = 0; part < 3; part += 1) {
      log.dead('standard', 'sub_a', [{ deliveryId: `dlv_${part}`, attempt: 8, code: 'timeout', statusCode: null, error: 'timed out' }]);
      log.abandoned('standard', 'sub_a', [`dlv_a${part}`], 'subscription inactive');
      log.circuitOpen('standard', 'sub_a', 12, 30);
    }
    log.stop();
    expect((await written('delivery dead')).map((line) => line.count)).toEqual([1, 2]);
    expect((await written('deliveries abandoned')).map((line) => line.count)).toEqual([1, 2]);
    expect((await written('endpoint circuit open')).map((line) => line.count)).toEqual([1, 2]);
  });
});
