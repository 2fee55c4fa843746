import { describe, expect, it } from '@jest/globals';
import { ResponseCollector, type Collected } from './response-collector.js';

/** A collector whose outcome is kept; `limit`: the body bytes it reads. */
function collector(limit: number): { collector: ResponseCollector; outcome: () => Collected | null } {
  let outcome: Collected | null = null;
  const created = new ResponseCollector(Number.POSITIVE_INFINITY, limit, (_, collected) => {
    outcome = collected;
  });
  return { collector: created, outcome: () => outcome };
}

describe('ResponseCollector', () => {
  it('keeps its own copy of body bytes, which the pool lends for one call only', () => {
    const { collector: target, outcome } = collector(64);
    const lent = Buffer.from('first piece, ');
    target.onHead(200, 'Content-Length: 25');
    expect(target.onBody(lent)).toBe(true);
    lent.fill(0x58);
    lent.write('second piece');
    expect(target.onBody(lent.subarray(0, 12))).toBe(true);
    lent.fill(0x58);
    target.onComplete();
    expect(outcome()).toEqual({ ok: true, statusCode: 200, head: 'Content-Length: 25', body: 'first piece, second piece' });
  });

  it('reads the body up to its limit, then stops', () => {
    const { collector: target, outcome } = collector(5);
    target.onHead(500, '');
    expect(target.onBody(Buffer.from('abc'))).toBe(true);
    expect(target.onBody(Buffer.from('defgh'))).toBe(false);
    expect(outcome()).toEqual({ ok: true, statusCode: 500, head: '', body: 'abcde' });
  });
});
