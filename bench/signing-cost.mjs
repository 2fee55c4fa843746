// CPU time of building one standard delivery (body, headers, signature) per signature scheme, in this process: v1 (HMAC),
// v1a with one key, and v1a during a key rotation's grace (two keys, two signatures). Interleaved rounds, medians;
// the ratios to v1 are the figures to read. `node bench/signing-cost.mjs [calls per round]`
import { writeFileSync } from 'node:fs';
import { generateSigningKeyPair, rotateSigningKeys, standardProfile } from '../packages/profiles/dist/index.js';

const calls = Number(process.argv[2] ?? 20_000);
const ROUNDS = 7;
const now = new Date();
const event = {
  id: 'evt_bench', tenant: 'ten_bench', profile: 'standard', type: 'bench.order.paid', data: { order: 'o_1', lines: Array.from({ length: 8 }, (_, n) => ({ sku: `sku_${n}`, quantity: n })) },
  occurred_at: now.toISOString(), received_at: now.toISOString(), actor: null, fields_changed: null, visible_to: null,
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const oneKey = [generateSigningKeyPair(now)];
const twoKeys = rotateSigningKeys(oneKey, generateSigningKeyPair(now), now);
const cases = {
  v1: { subscription: { id: 'sub_bench', secret, signature: 'v1' }, signingKeys: undefined },
  'v1a, one key': { subscription: { id: 'sub_bench', secret, signature: 'v1a' }, signingKeys: oneKey },
  'v1a, two keys (rotation grace)': { subscription: { id: 'sub_bench', secret, signature: 'v1a' }, signingKeys: twoKeys },
};

/** CPU time (user + system), not wall time: the machine this runs on may be busy with other work. */
function microsPerCall({ subscription, signingKeys }) {
  const started = process.cpuUsage();
  for (let index = 0; index < calls; index += 1) {
    standardProfile.buildRequest({ deliveryId: `dlv_${index}`, event, subscription, attempt: 1, now, signingKeys });
  }
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (const testCase of Object.values(cases)) microsPerCall(testCase); // warm-up
for (let round = 0; round < ROUNDS; round += 1) for (const [name, testCase] of Object.entries(cases)) samples[name].push(microsPerCall(testCase));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const v1 = median(samples.v1);
const results = Object.entries(samples).map(([scheme, values]) => ({ scheme, us_per_delivery: Number(median(values).toFixed(2)), ratio_to_v1: Number((median(values) / v1).toFixed(2)) }));
const output = { calls_per_round: calls, rounds: ROUNDS, node: process.version, measured_at: new Date().toISOString(), results };
writeFileSync(new URL('./results/signing-cost.json', import.meta.url), `${JSON.stringify(output, null, 2)}\n`);
for (const row of results) console.log(`${row.scheme.padEnd(32)} ${String(row.us_per_delivery).padStart(7)} µs/delivery  ${row.ratio_to_v1}× v1`);
