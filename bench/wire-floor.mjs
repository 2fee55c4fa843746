// What the wire alone costs: the CPU a sender spends per request when it does nothing but send, against the bench's own
// receiver, so that a fleet's worker can be read as a multiple of it (bench/README.md, "The round on the wire's floor").
// Three senders, each a fresh process (cold, as a drive's worker is), `requests` POSTs of a 300-byte body with 64
// connections to one origin and 200 requests in flight, as the fleet's worker sends:
//   bare       undici's dispatch with a handler that keeps nothing (two headers, as b1 sends)
//   signed     the same, each request built by the standard profile (body, webhook-* headers, an HMAC signature)
//   transport  hookfleet's DeliveryTransport.send with the same build (slots, the SSRF guard, the response collector)
// Rounds interleaved, medians; the figure to read is sender ÷ receiver (CPU per request of each, from /proc), which the
// machine's noise moves far less than either alone. Writes bench/results/wire-floor.json.
// `node bench/wire-floor.mjs [requests] [rounds]`
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { DeliveryTransport } from '../packages/delivery/dist/index.js';
import { standardProfile } from '../packages/profiles/dist/index.js';
import { ProcessGroup, backgroundCpuSeconds, cpuSeconds } from './lib/processes.mjs';
import { startReceiver } from './lib/receiver-client.mjs';
import { eventData } from './lib/fleet.mjs';
import { BODY_BYTES } from './lib/measure.mjs';
import { median } from './lib/stats.mjs';

const SENDERS = ['bare', 'signed', 'transport'];
const CONNECTIONS = 64;
const IN_FLIGHT = 200;

if (process.env.WIRE_FLOOR_SENDER) await runSender(process.env.WIRE_FLOOR_SENDER, process.env.WIRE_FLOOR_TARGET, Number(process.env.WIRE_FLOOR_REQUESTS));
else await main();

async function main() {
  const requests = Number(process.argv[2] ?? 50_000);
  const rounds = Number(process.argv[3] ?? 3);
  const group = new ProcessGroup();
  try {
    const receiver = await startReceiver(group);
    const figures = Object.fromEntries(SENDERS.map((sender) => [sender, []]));
    for (let round = 1; round <= rounds; round += 1) {
      for (const sender of SENDERS) {
        await receiver.reset();
        const receiverBefore = cpuSeconds(receiver.member.child.pid);
        const sent = await senderProcess(sender, receiver.url('/wire-floor'), requests);
        const receiverMicros = ((cpuSeconds(receiver.member.child.pid) - receiverBefore) * 1e6) / requests;
        const { okCount } = await receiver.stats();
        if (okCount !== requests) throw new Error(`${sender}: the receiver answered ${okCount} of ${requests} requests`);
        const row = { ...sent, receiverMicros, ratio: sent.senderMicros / receiverMicros };
        figures[sender].push(row);
        console.log(
          `round ${round} ${sender.padEnd(9)} ${Math.round(row.perSecond).toLocaleString('en-US').padStart(7)}/s; sender ${row.senderMicros.toFixed(1)} µs a request ` +
            `(${row.backgroundMicros.toFixed(1)} off its main thread), receiver ${receiverMicros.toFixed(1)}; sender ÷ receiver ${row.ratio.toFixed(2)}`,
        );
      }
    }
    const medianOf = (rows, field, digits) => Number(median(rows.map((row) => row[field])).toFixed(digits));
    const senders = Object.fromEntries(
      SENDERS.map((sender) => {
        const rows = figures[sender];
        return [
          sender,
          {
            per_s: medianOf(rows, 'perSecond', 0),
            sender_us_per_request: medianOf(rows, 'senderMicros', 1),
            sender_background_us_per_request: medianOf(rows, 'backgroundMicros', 1),
            receiver_us_per_request: medianOf(rows, 'receiverMicros', 1),
            sender_to_receiver: medianOf(rows, 'ratio', 2),
          },
        ];
      }),
    );
    const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version };
    const output = { measured_at: new Date().toISOString(), machine, requests, rounds, connections: CONNECTIONS, in_flight: IN_FLIGHT, senders };
    writeFileSync(new URL('./results/wire-floor.json', import.meta.url), `${JSON.stringify(output, null, 2)}\n`);
    console.log('\nmedians (sender µs a request, sender ÷ receiver):');
    for (const [sender, row] of Object.entries(senders)) console.log(`  ${sender.padEnd(9)} ${row.sender_us_per_request} µs, ${row.sender_to_receiver}`);
  } finally {
    await group.stopAll(5000).catch(() => group.killAllNow());
  }
}

/** Runs one sender in a fresh process; resolves with its figures. */
function senderProcess(sender, target, requests) {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, WIRE_FLOOR_SENDER: sender, WIRE_FLOOR_TARGET: target, WIRE_FLOOR_REQUESTS: String(requests) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${sender} sender exited with ${code}`))));
  });
}

/** The sender's side: `requests` POSTs, IN_FLIGHT at a time; reports its own CPU per request (all threads, and off its main thread). */
async function runSender(sender, target, requests) {
  const subscription = { id: 'sub_wire_floor', url: target, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', signature: 'v1' };
  const data = eventData('bench.wire', BODY_BYTES, 0);
  // As a delivery worker loads it: the data kept as its stored JSON text, spliced into the body (stored-event-json.ts).
  const event = {
    id: 'evt_wire_floor',
    tenant: 'ten_wire_floor',
    profile: 'standard',
    type: 'bench.wire',
    data,
    dataJson: JSON.stringify(data),
    occurred_at: new Date().toISOString(),
    received_at: new Date().toISOString(),
    actor: null,
    fields_changed: null,
    visible_to: null,
  };
  const bareBody = standardProfile.buildRequest({ deliveryId: 'msg_0', event, subscription, attempt: 1, now: new Date() }).body;
  const { origin, pathname } = new URL(target);
  const agent = new Agent({ connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const transport = new DeliveryTransport({
    timeoutMs: 15_000,
    concurrency: IN_FLIGHT,
    perOriginConcurrency: CONNECTIONS,
    allowPrivateTargets: true,
    userAgent: 'hookfleet-wire-floor',
  });
  const build = (id) => {
    const built = standardProfile.buildRequest({ deliveryId: id, event, subscription, attempt: 1, now: new Date() });
    built.headers['webhook-id'] = id;
    return built;
  };
  const dispatch = (request) =>
    new Promise((resolve, reject) => {
      agent.dispatch(
        { origin, path: pathname, method: 'POST', body: request.body, headers: { 'content-type': 'application/json', ...request.headers } },
        { onConnect() {}, onHeaders: () => true, onData: () => true, onComplete: resolve, onError: reject },
      );
    });
  const sendOne = {
    bare: (id) => dispatch({ body: bareBody, headers: { 'webhook-id': id } }),
    signed: (id) => dispatch(build(id)),
    transport: async (id) => {
      const result = await transport.send(target, () => build(id));
      if (result.kind !== 'response') throw new Error(`transport: ${result.kind}`);
    },
  }[sender];
  let next = 0;
  const lane = async () => {
    while (next < requests) await sendOne(`msg_${sender}_${next++}`);
  };
  const cpuBefore = cpuSeconds(process.pid);
  const backgroundBefore = backgroundCpuSeconds(process.pid);
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  const senderMicros = ((cpuSeconds(process.pid) - cpuBefore) * 1e6) / requests;
  const backgroundMicros = ((backgroundCpuSeconds(process.pid) - backgroundBefore) * 1e6) / requests;
  await transport.close();
  await agent.close();
  process.send({ perSecond: requests / seconds, senderMicros, backgroundMicros });
  process.disconnect();
}
