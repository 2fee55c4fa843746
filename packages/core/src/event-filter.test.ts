import { describe, expect, it } from '@jest/globals';
import { compileEventFilter, type FilterableEvent } from './event-filter.js';
import { filterIssues, type EventFilter } from './event-filter-schema.js';

const invoice: FilterableEvent = {
  type: 'invoice.paid',
  data: {
    amount: 1200,
    currency: 'EUR',
    customer: { id: 'cus_1', country: 'DE', vip: true },
    tags: ['b2b', 'priority'],
    items: [{ sku: 'A-1', quantity: 2 }, { sku: 'B-2', quantity: 1 }],
    note: null,
  },
  actor: { id: 7 },
};
const withoutActor: FilterableEvent = { ...invoice, actor: null };

describe('event filters match like MongoDB query operators', () => {
  it.each<[string, EventFilter, boolean, FilterableEvent?]>([
    ['empty filter takes everything', {}, true],
    ['type equality', { type: 'invoice.paid' }, true],
    ['type inequality', { type: 'invoice.created' }, false],
    ['nested path equality', { 'data.customer.country': 'DE' }, true],
    ['array index', { 'data.items.1.sku': 'B-2' }, true],
    ['array index past the end is missing', { 'data.items.5.sku': { $exists: false } }, true],
    ['a plain value matches an array holding it', { 'data.tags': 'b2b' }, true],
    ['an array matches an equal array', { 'data.tags': ['b2b', 'priority'] }, true],
    ['an array in another order does not', { 'data.tags': ['priority', 'b2b'] }, false],
    ['object equality ignores member order', { 'data.customer': { $eq: { vip: true, country: 'DE', id: 'cus_1' } } }, true],
    ['null equals null', { 'data.note': null }, true],
    ['$eq', { 'data.currency': { $eq: 'EUR' } }, true],
    ['$ne on a different value', { 'data.currency': { $ne: 'USD' } }, true],
    ['$ne on the same value', { 'data.currency': { $ne: 'EUR' } }, false],
    ['$in', { 'data.currency': { $in: ['USD', 'EUR'] } }, true],
    ['$in without it', { 'data.currency': { $in: ['USD', 'GBP'] } }, false],
    ['$in against an array field', { 'data.tags': { $in: ['priority'] } }, true],
    ['$nin', { 'data.currency': { $nin: ['USD', 'GBP'] } }, true],
    ['$nin with it', { 'data.currency': { $nin: ['EUR'] } }, false],
    ['$gt', { 'data.amount': { $gt: 1000 } }, true],
    ['$gt at the value', { 'data.amount': { $gt: 1200 } }, false],
    ['$gte at the value', { 'data.amount': { $gte: 1200 } }, true],
    ['$lt', { 'data.amount': { $lt: 1200 } }, false],
    ['$lte', { 'data.amount': { $lte: 1200 } }, true],
    ['range of two operators', { 'data.amount': { $gt: 1000, $lt: 2000 } }, true],
    ['string comparison', { 'data.customer.id': { $gte: 'cus_0' } }, true],
    ['comparison reaches into arrays', { 'data.items.0.quantity': { $gte: 2 } }, true],
    ['$exists true', { 'data.customer.vip': { $exists: true } }, true],
    ['$exists false on a present field', { 'data.customer.vip': { $exists: false } }, false],
    ['$exists true on a null field', { 'data.note': { $exists: true } }, true],
    ['actor path', { 'actor.id': 7 }, true],
    ['actor path without an actor', { 'actor.id': { $exists: false } }, true, withoutActor],
    ['actor equality without an actor', { 'actor.id': 7 }, false, withoutActor],
    // Missing fields: only $exists: false, $ne and $nin match them.
    ['missing: equality', { 'data.refund': 'x' }, false],
    ['missing: equality with null', { 'data.refund': null }, false],
    ['missing: $in', { 'data.refund': { $in: [null, 'x'] } }, false],
    ['missing: $gt', { 'data.refund': { $gt: 0 } }, false],
    ['missing: $lt', { 'data.refund': { $lt: 0 } }, false],
    ['missing: $exists false', { 'data.refund': { $exists: false } }, true],
    ['missing: $ne', { 'data.refund': { $ne: 'x' } }, true],
    ['missing: $nin', { 'data.refund': { $nin: ['x'] } }, true],
    ['missing below a scalar', { 'data.amount.cents': { $exists: false } }, true],
    ['a name on an array is missing', { 'data.items.sku': { $exists: true } }, false],
    // Type mismatches: no match, except the inequalities.
    ['number vs string equality', { 'data.amount': '1200' }, false],
    ['number vs string $gt', { 'data.amount': { $gt: '1' } }, false],
    ['string vs number $lt', { 'data.currency': { $lt: 5 } }, false],
    ['boolean vs string', { 'data.customer.vip': 'true' }, false],
    ['object vs number $gte', { 'data.customer': { $gte: 0 } }, false],
    ['number vs string $ne', { 'data.amount': { $ne: '1200' } }, true],
    ['number vs string $nin', { 'data.amount': { $nin: ['1200'] } }, true],
    // Logic.
    ['$and all true', { $and: [{ type: 'invoice.paid' }, { 'data.amount': { $gt: 100 } }] }, true],
    ['$and one false', { $and: [{ type: 'invoice.paid' }, { 'data.amount': { $gt: 5000 } }] }, false],
    ['$or one true', { $or: [{ 'data.currency': 'USD' }, { 'data.customer.vip': true }] }, true],
    ['$or none true', { $or: [{ 'data.currency': 'USD' }, { 'data.customer.vip': false }] }, false],
    ['$not', { $not: { 'data.currency': 'USD' } }, true],
    ['$not of a match', { $not: { type: 'invoice.paid' } }, false],
    ['several paths are an implicit $and', { type: 'invoice.paid', 'data.currency': 'USD' }, false],
    ['nested logic', { $or: [{ $and: [{ 'data.amount': { $gt: 1000 } }, { $not: { 'data.tags': 'test' } }] }, { type: 'x' }] }, true],
  ])('%s', (_label, filter, expected, event = invoice) => {
    expect(filterIssues(filter)).toEqual([]);
    expect(compileEventFilter(filter)(event)).toBe(expected);
  });

  it('reads a data field that is itself an array or a scalar', () => {
    expect(compileEventFilter({ 'data.1': 'b' })({ type: 't', data: ['a', 'b'], actor: null })).toBe(true);
    expect(compileEventFilter({ data: { $gt: 3 } })({ type: 't', data: 4, actor: null })).toBe(true);
    expect(compileEventFilter({ 'data.x': { $exists: false } })({ type: 't', data: 'text', actor: null })).toBe(true);
  });
});

describe('event filters are checked where they enter', () => {
  const deep = (levels: number): EventFilter => (levels === 0 ? { type: 'x' } : { $not: deep(levels - 1) });
  it.each<[string, unknown, Array<{ path: Array<string | number>; message: RegExp }>]>([
    ['not an object', ['type'], [{ path: [], message: /object/ }]],
    ['a misspelt operator', { 'data.amount': { $gtt: 5 } }, [{ path: ['data.amount', '$gtt'], message: /unknown operator \$gtt/ }]],
    ['an unknown logic operator', { $nor: [] }, [{ path: ['$nor'], message: /unknown operator/ }]],
    ['a path outside the event', { 'metadata.x': 1 }, [{ path: ['metadata.x'], message: /type, data or actor/ }]],
    ['an empty segment', { 'data..x': 1 }, [{ path: ['data..x'], message: /type, data or actor/ }]],
    ['$in without an array', { type: { $in: 'a' } }, [{ path: ['type', '$in'], message: /array/ }]],
    ['$nin without an array', { type: { $nin: 3 } }, [{ path: ['type', '$nin'], message: /array/ }]],
    ['$exists without a boolean', { 'data.a': { $exists: 1 } }, [{ path: ['data.a', '$exists'], message: /true or false/ }]],
    ['$gt with an object', { 'data.a': { $gt: { n: 1 } } }, [{ path: ['data.a', '$gt'], message: /number or a string/ }]],
    ['$lte with null', { 'data.a': { $lte: null } }, [{ path: ['data.a', '$lte'], message: /number or a string/ }]],
    ['operators mixed with fields', { 'data.a': { $gt: 1, b: 2 } }, [{ path: ['data.a'], message: /mixes/ }]],
    ['$and not an array', { $and: { type: 'x' } }, [{ path: ['$and'], message: /non-empty array/ }]],
    ['$or empty', { $or: [] }, [{ path: ['$or'], message: /non-empty array/ }]],
    ['a bad operator inside $or', { $or: [{ type: 'a' }, { 'data.n': { $regex: 'x' } }] }, [{ path: ['$or', 1, 'data.n', '$regex'], message: /unknown operator/ }]],
    ['$not of a non-object', { $not: 'x' }, [{ path: ['$not'], message: /object/ }]],
    ['too deep', deep(7), [{ path: ['$not', '$not', '$not', '$not', '$not', '$not', '$not'], message: /deeper than 6/ }]],
    ['too many conditions', Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`data.f${index}`, index])), [{ path: [], message: /more than 64/ }]],
    ['too long', { 'data.a': { $in: Array.from({ length: 100 }, () => 'x'.repeat(100)) } }, [{ path: [], message: /larger than 8192/ }]],
    ['$in too long', { 'data.a': { $in: Array.from({ length: 101 }, (_, index) => index) } }, [{ path: ['data.a', '$in'], message: /at most 100/ }]],
  ])('%s', (_label, filter, expected) => {
    const issues = filterIssues(filter);
    expect(issues).toHaveLength(expected.length);
    expected.forEach((want, index) => {
      expect(issues[index]?.path).toEqual(want.path);
      expect(issues[index]?.message).toMatch(want.message);
    });
  });

  it('accepts six levels of logic', () => {
    expect(filterIssues(deep(6))).toEqual([]);
  });
});
