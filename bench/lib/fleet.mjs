// hookfleet as real processes (node apps/api/dist/main.js, node apps/worker/dist/main.js) and a small HTTP
// client for its API: tenants, subscriptions, batches and single events.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { Queue } from 'bullmq';
import { deliveryQueuePlace, retryQueuePlace, sharedQueuePlace } from '@hookfleet/queue';
import { waitForLogLine } from './processes.mjs';
import { WORKER_NODE_FLAGS } from '../../apps/worker/dist/node-flags.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const API_MAIN = join(ROOT, 'apps/api/dist/main.js');
export const WORKER_MAIN = join(ROOT, 'apps/worker/dist/main.js');
export const ADMIN_TOKEN = 'bench-admin-token';
export const QUEUE_PREFIX = 'hookfleet';

/** Extra node flags for the API and worker processes (a debugging aid: BENCH_NODE_ARGS="--heapsnapshot-signal=SIGUSR2"). */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** The environment every hookfleet process of the benchmark gets (docs/contract.md, "Environment"). */
export function fleetEnv(redisUrl, overrides = {}) {
  return {
    ...process.env,
    REDIS_URL: redisUrl,
    HOOKFLEET_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true',
    HOOKFLEET_QUEUE_PREFIX: QUEUE_PREFIX,
    PORT: '0',
    METRICS_PORT: '0',
    ...overrides,
  };
}

/**
 * @param {{ group: import('./processes.mjs').ProcessGroup, redisUrl: string, logDir: string, profileDir: string | null }} context
 * @param {{ label: string, env?: Record<string, string> }} options
 */
export async function startApiProcess(context, options) {
  const nodeArgs = [
    ...EXTRA_NODE_ARGS,
    ...(context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`, `--cpu-prof-name=api-${options.label}.cpuprofile`] : []),
  ];
  const member = context.group.spawnLogged(`api (${options.label})`, API_MAIN, {
    env: fleetEnv(context.redisUrl, options.env),
    nodeArgs,
    logFile: join(context.logDir, `api-${options.label}.log`),
  });
  const [, port] = await waitForLogLine(member, /listening on http:\/\/127\.0\.0\.1:(\d+)/);
  return { member, url: `http://127.0.0.1:${port}` };
}

/**
 * @param {{ group: import('./processes.mjs').ProcessGroup, redisUrl: string, logDir: string, profileDir: string | null }} context
 * @param {{ label: string, roles: string, env?: Record<string, string> }} options
 */
export async function startWorkerProcess(context, options) {
  const nodeArgs = [
    ...WORKER_NODE_FLAGS,
    ...EXTRA_NODE_ARGS,
    ...(context.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${context.profileDir}`, `--cpu-prof-name=worker-${options.label}.cpuprofile`] : []),
  ];
  const member = context.group.spawnLogged(`worker ${options.roles} (${options.label})`, WORKER_MAIN, {
    env: fleetEnv(context.redisUrl, { WORKER_ROLES: options.roles, ...options.env }),
    nodeArgs,
    logFile: join(context.logDir, `worker-${options.roles.replace(/,/g, '+')}-${options.label}.log`),
  });
  const [, port] = await waitForLogLine(member, /metrics on http:\/\/127\.0\.0\.1:(\d+)/);
  return { member, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** A keep-alive HTTP client for the API. */
export function apiClient(baseUrl, connections = 16) {
  const pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} body an object (sent as JSON) or a prepared JSON string
   * @param {string} token
   */
  async function call(method, path, body, token = ADMIN_TOKEN) {
    const response = await pool.request({
      method,
      path,
      headers: { authorization: `Bearer ${token ?? ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.body.text();
    const answeredAt = performance.timeOrigin + performance.now();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: response.statusCode, body: parsed, answeredAt };
  }
  return { call, close: () => pool.close() };
}

export async function createTenant(client, name) {
  const response = await client.call('POST', '/v1/tenants', { name });
  if (response.status !== 201) throw new Error(`POST /v1/tenants answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Creates `count` standard-profile subscriptions for a tenant (signed: the API generates each one's whsec_
 * secret). As the operator, which the management API's per-tenant rate limit does not apply to.
 * @returns {Promise<string[]>} their ids, in order
 */
export async function createSubscriptions(client, tenantId, { count, urlFor, events, extra = {} }) {
  const ids = new Array(count);
  let next = 0;
  async function lane() {
    while (next < count) {
      const index = next++;
      const response = await client.call('POST', '/v1/subscriptions', { tenant: tenantId, url: urlFor(index), events, ...extra });
      if (response.status !== 201) throw new Error(`POST /v1/subscriptions answered ${response.status}: ${JSON.stringify(response.body)}`);
      ids[index] = response.body.id;
    }
  }
  await Promise.all(Array.from({ length: Math.min(16, count) }, lane));
  return ids;
}

/**
 * POSTs prepared batch bodies with `inFlight` requests at a time.
 * @param {string[]} bodies JSON of { events: [...] }
 * @returns {Promise<Array<{ answeredAt: number, ids: string[] }>>} per batch, in order
 */
export async function postBatches(client, bodies, inFlight) {
  const answers = new Array(bodies.length);
  let next = 0;
  async function lane() {
    while (next < bodies.length) {
      const index = next++;
      const response = await client.call('POST', '/v1/events/batch', bodies[index]);
      if (response.status !== 202) throw new Error(`POST /v1/events/batch answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
      answers[index] = { answeredAt: response.answeredAt, ids: response.body.results.map((result) => result.id) };
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, bodies.length) }, lane));
  return answers;
}

/** Builds event data so that the standard profile's body ({ type, timestamp, data }) is about `bodyBytes` long. */
export function eventData(type, bodyBytes, sequence) {
  const data = { order_id: `ord_${sequence}`, customer: 'cus_8f3a2b', amount: 4200, currency: 'EUR', status: 'paid', note: '' };
  const envelope = JSON.stringify({ type, timestamp: '2025-01-01T00:00:00.000Z', data });
  data.note = 'x'.repeat(Math.max(0, bodyBytes - envelope.length));
  return data;
}

/** The JSON bodies of POST /v1/events/batch for `count` events of one tenant, `batchSize` a request. */
export function batchBodies({ tenant, type, count, batchSize, bodyBytes, startSequence = 0 }) {
  const bodies = [];
  for (let offset = 0; offset < count; offset += batchSize) {
    const size = Math.min(batchSize, count - offset);
    const events = Array.from({ length: size }, (_, index) => ({
      tenant,
      profile: 'standard',
      type,
      data: eventData(type, bodyBytes, startSequence + offset + index),
    }));
    bodies.push(JSON.stringify({ events }));
  }
  return bodies;
}

/**
 * The events queue and every delivery partition, as the fleet's processes name them (HOOKFLEET_PARTITIONS).
 * @returns {{ events: Queue, deliveries: Queue[], close(): Promise<void> }}
 */
export function openQueues(redisUrl, partitions = 1) {
  const open = (place) => new Queue(place.name, { connection: { url: redisUrl }, prefix: place.prefix });
  const events = open(sharedQueuePlace(QUEUE_PREFIX, 'events', partitions));
  // A partition's delivery work is its group jobs and its retry jobs (packages/queue/src/queues.ts): both counted.
  const deliveries = Array.from({ length: partitions }, (_, partition) => [
    open(deliveryQueuePlace(QUEUE_PREFIX, partition, partitions)),
    open(retryQueuePlace(QUEUE_PREFIX, partition, partitions)),
  ]).flat();
  return { events, deliveries, close: () => Promise.all([events, ...deliveries].map((queue) => queue.close())).then(() => undefined) };
}

/** The jobs of hookfleet's events queue and of every delivery partition that are not finished yet. */
export async function unfinishedJobs(redisUrl, partitions = 1) {
  const queues = openQueues(redisUrl, partitions);
  try {
    const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];
    const [events, ...deliveries] = await Promise.all([queues.events, ...queues.deliveries].map((queue) => queue.getJobCounts(...states)));
    return { events: sum(events), deliveries: deliveries.reduce((total, counts) => total + sum(counts), 0) };
  } finally {
    await queues.close();
  }
}

function sum(counts) {
  return Object.values(counts).reduce((total, value) => total + value, 0);
}
