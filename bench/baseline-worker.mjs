// A baseline worker in a process of its own (forked by bench/run.mjs): one bare BullMQ Worker that POSTs each
// job's body to the receiver — b1 with undici, b2 with got 14 and a keep-alive agent. This is the fleet a
// team writes in an afternoon; hookfleet is measured against it in the same run.
import http from 'node:http';
import { Worker } from 'bullmq';
import { Agent, request } from 'undici';
import got from 'got';

const { REDIS_URL, BASELINE_QUEUE, BASELINE_PREFIX, BASELINE_CLIENT, BASELINE_TARGET } = process.env;
const concurrency = Number(process.env.BASELINE_CONCURRENCY ?? 200);
const connections = Number(process.env.BASELINE_CONNECTIONS ?? 64);
if (!REDIS_URL || !BASELINE_QUEUE || !BASELINE_TARGET) throw new Error('baseline-worker: REDIS_URL, BASELINE_QUEUE and BASELINE_TARGET are required');

/** @type {(job: import('bullmq').Job) => Promise<void>} */
let post;
let closeClient = async () => undefined;
if (BASELINE_CLIENT === 'got') {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, throwHttpErrors: false, followRedirect: false, timeout: { request: 15_000 } });
  post = async (job) => {
    await client.post(BASELINE_TARGET, { body: job.data.body, headers: { 'content-type': 'application/json', 'webhook-id': `${BASELINE_QUEUE}-${job.id}` } });
  };
  closeClient = async () => agent.destroy();
} else {
  const dispatcher = new Agent({ connections, keepAliveTimeout: 30_000 });
  post = async (job) => {
    const response = await request(BASELINE_TARGET, {
      method: 'POST',
      body: job.data.body,
      headers: { 'content-type': 'application/json', 'webhook-id': `${BASELINE_QUEUE}-${job.id}` },
      dispatcher,
    });
    await response.body.dump();
  };
  closeClient = () => dispatcher.close();
}

const worker = new Worker(BASELINE_QUEUE, post, {
  connection: { url: REDIS_URL, maxRetriesPerRequest: null },
  prefix: BASELINE_PREFIX ?? 'bench',
  concurrency,
});
worker.on('error', (error) => console.error('baseline worker error', error));
await worker.waitUntilReady();
process.send?.({ ready: true });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await worker.close();
  await closeClient();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
