// The benchmark's receiver, in a process of its own (forked by bench/run.mjs with an IPC channel): a plain
// node:http server on 127.0.0.1 that answers 200 and records, per request, its arrival time and webhook-id.
// In "fail" mode it answers 500 to the first attempt of a fixed ~20 % of webhook-ids (chosen by the id, so
// every run fails the same ones), then 200 to every later attempt.
import { createServer } from 'node:http';
import { shouldFailFirstAttempt } from './lib/fail-rule.mjs';

const timeOrigin = performance.timeOrigin;
const now = () => timeOrigin + performance.now();

let ids = [];
let times = new Float64Array(1 << 16);
let okFlags = new Uint8Array(1 << 16);
let count = 0;
let okCount = 0;
let failFraction = 0;
const failedOnce = new Set();
/** @type {{ okCount: number, reply: (value: object) => void } | null} */
let waiter = null;

function record(id, arrivedAt, ok) {
  if (count === times.length) {
    const grownTimes = new Float64Array(times.length * 2);
    grownTimes.set(times);
    times = grownTimes;
    const grownFlags = new Uint8Array(okFlags.length * 2);
    grownFlags.set(okFlags);
    okFlags = grownFlags;
  }
  ids.push(id);
  times[count] = arrivedAt;
  okFlags[count] = ok ? 1 : 0;
  count += 1;
  if (ok) okCount += 1;
  if (waiter && okCount >= waiter.okCount) {
    const { reply } = waiter;
    waiter = null;
    reply({ okCount, count, lastAt: arrivedAt });
  }
}

/** A batch (webhook-id `batch_…`, docs/delivery.md "Batches"): each element counts as the delivery its `id` names. */
function recordBatch(request, response, arrivedAt) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    for (const element of JSON.parse(Buffer.concat(chunks).toString('utf8'))) record(String(element.id), arrivedAt, true);
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
}

const server = createServer((request, response) => {
  const arrivedAt = now();
  const id = String(request.headers['webhook-id'] ?? '');
  if (id.startsWith('batch_')) return recordBatch(request, response, arrivedAt);
  let status = 200;
  if (failFraction > 0 && !failedOnce.has(id) && shouldFailFirstAttempt(id, failFraction)) {
    failedOnce.add(id);
    status = 500;
  }
  record(id, arrivedAt, status === 200);
  request.on('end', () => {
    response.writeHead(status, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end(status === 200 ? 'ok' : 'no');
  });
  request.resume();
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;

function send(message) {
  process.send?.(message);
}

process.on('message', (message) => {
  switch (message.cmd) {
    case 'reset':
      ids = [];
      count = 0;
      okCount = 0;
      failedOnce.clear();
      failFraction = message.failFraction ?? 0;
      waiter = null;
      send({ id: message.id, ok: true });
      break;
    case 'waitFor':
      if (okCount >= message.okCount) send({ id: message.id, okCount, count, lastAt: times[count - 1] ?? null });
      else waiter = { okCount: message.okCount, reply: (value) => send({ id: message.id, ...value }) };
      break;
    case 'cancelWait':
      waiter = null;
      send({ id: message.id, ok: true });
      break;
    case 'stats':
      send({ id: message.id, okCount, count, lastAt: count > 0 ? times[count - 1] : null, firstAt: count > 0 ? times[0] : null });
      break;
    case 'dump':
      send({ id: message.id, ids, times: times.slice(0, count), okFlags: okFlags.slice(0, count) });
      break;
    default:
      send({ id: message.id, error: `unknown command ${message.cmd}` });
  }
});

// The runner owns this process: when its channel closes (it exited or crashed), stop.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  send({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
});
