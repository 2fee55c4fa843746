// Micro-benchmark of the two per-event costs that payload filters and typed events add (docs/performance.md,
// "Payload filters and typed events"), in one process so the machine's noise hits every variant alike:
//   matching: SubscriptionIndex.match for one event against 10 subscriptions, unfiltered and filtered;
//   typed ingest: the ingest's own zod parse of a 500-event batch, and the JSON Schema check of its 500 events.
// Usage: node bench/filters-and-schemas.mjs [root of another build to compare the unfiltered match with, e.g. main's]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const here = resolve(new URL('..', import.meta.url).pathname);
const otherRoot = process.argv[2] ? resolve(process.argv[2]) : null;
const load = (root, path) => import(pathToFileURL(join(root, path)).href);
const { SubscriptionIndex } = await load(here, 'packages/store/dist/index.js');
const { eventBatchSchema, parsePlainly } = await load(here, 'packages/core/dist/index.js');
const { EventSchemas } = await load(here, 'apps/api/dist/event-schemas.js');
const other = otherRoot ? (await load(otherRoot, 'packages/store/dist/index.js')).SubscriptionIndex : null;

const ROUNDS = 7;
const EVENTS = 20_000;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function subscription(index, filter) {
  const now = new Date().toISOString();
  return {
    id: `sub_${index}`, tenant: 'ten_bench', profile: 'standard', url: 'http://127.0.0.1:9/', events: ['order.*'], secret: null, description: null,
    metadata: {}, active: true, disabled_reason: null, created_by: null, delay_seconds: 0, rate_limit: null, compat: {}, created_at: now, updated_at: now,
    ...(filter === undefined ? {} : { filter }),
  };
}
function indexWith(IndexClass, filter) {
  const index = new IndexClass(null, null, null);
  // put() is private in TypeScript only: the benchmark fills the in-memory copy without Redis.
  for (let n = 0; n < 10; n += 1) index.put(subscription(n, filter));
  return index;
}
const events = Array.from({ length: EVENTS }, (_, n) => ({
  id: `evt_${n}`, tenant: 'ten_bench', profile: 'standard', type: n % 2 ? 'order.paid' : 'order.created', occurred_at: '', received_at: '',
  data: { amount: n % 1000, currency: n % 3 ? 'EUR' : 'USD', customer: { tier: n % 5 ? 'basic' : 'gold' } }, actor: { id: n % 50 }, fields_changed: null, visible_to: null,
}));
const typicalFilter = { 'data.amount': { $gte: 100 }, $or: [{ 'data.currency': { $in: ['EUR', 'GBP'] } }, { 'data.customer.tier': 'gold' }] };

const matchers = {
  ...(other ? { 'other build, unfiltered': indexWith(other, undefined) } : {}),
  'this build, unfiltered': indexWith(SubscriptionIndex, undefined),
  'this build, filter: null': indexWith(SubscriptionIndex, null),
  'this build, a 3-condition filter': indexWith(SubscriptionIndex, typicalFilter),
};
const matchTimes = Object.fromEntries(Object.keys(matchers).map((name) => [name, []]));
let sink = 0;
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, index] of Object.entries(matchers)) {
    const started = performance.now();
    for (const event of events) sink += index.match(event).length;
    matchTimes[name].push(((performance.now() - started) * 1000) / EVENTS);
  }
}

const store = (entries) => ({ allRaw: async () => Object.fromEntries(entries.map((entry) => [`${entry.profile}:${entry.type}`, JSON.stringify(entry)])) });
const registeredSchema = {
  type: 'object', required: ['amount', 'currency'],
  properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', enum: ['EUR', 'USD', 'GBP'] }, customer: { type: 'object', properties: { tier: { type: 'string' } } } },
};
const schemas = new EventSchemas(store([{ profile: 'standard', type: 'order.paid', description: null, schema: registeredSchema, deprecated: false, created_at: '', updated_at: '' }]), 60_000);
await schemas.refreshIfStale();
const batch = (profile, type, data) => ({ events: Array.from({ length: 500 }, (_, n) => ({ tenant: 'ten_bench', profile, type, id: `evt_${n}`, data: data(n) })) });
const batches = {
  'standard, unregistered type': batch('standard', 'order.created', (n) => ({ amount: n, currency: 'EUR' })),
  'standard, registered schema': batch('standard', 'order.paid', (n) => ({ amount: n, currency: 'EUR', customer: { tier: 'gold' } })),
  'paymo delete ({ id })': batch('paymo', 'model.delete.Task', (n) => ({ id: n })),
};
const ingestTimes = {};
for (const name of Object.keys(batches)) ingestTimes[name] = { zod: [], schema: [] };
for (let round = 0; round < ROUNDS * 3; round += 1) {
  for (const [name, body] of Object.entries(batches)) {
    let started = performance.now();
    const parsed = parsePlainly(eventBatchSchema, body);
    ingestTimes[name].zod.push((performance.now() - started) * 1000);
    started = performance.now();
    for (const input of parsed.data.events) sink += schemas.issues(input, '').length;
    ingestTimes[name].schema.push((performance.now() - started) * 1000);
  }
}

console.log(`matching one event against 10 subscriptions (median of ${ROUNDS} rounds of ${EVENTS.toLocaleString('en')} events):`);
const base = median(matchTimes['this build, unfiltered']);
for (const [name, times] of Object.entries(matchTimes)) console.log(`  ${name.padEnd(34)} ${median(times).toFixed(2)} µs/event  (${(median(times) / base).toFixed(2)} × this build unfiltered)`);
console.log(`a 500-event batch (median of ${ROUNDS * 3} rounds): the ingest's zod parse, and the JSON Schema check added`);
for (const [name, { zod, schema }] of Object.entries(ingestTimes)) {
  console.log(`  ${name.padEnd(30)} zod ${(median(zod) / 500).toFixed(2)} µs/event, schema check ${(median(schema) / 500).toFixed(2)} µs/event`);
}
if (sink < 0) console.log(sink);
