import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { loadConfig, type HookfleetConfig } from '@hookfleet/core';
import { pino } from 'pino';
import { startApi, type RunningApi } from '../apps/api/src/server.js';
import { startWorker, type RunningWorker } from '../apps/worker/src/worker.js';
import { deleteKeys } from './redis.js';

export { deleteKeys };

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestFleet {
  config: HookfleetConfig;
  api: RunningApi;
  workers: RunningWorker[];
  /** JSON request to the API; `token` defaults to the operator's. */
  call(method: string, path: string, body?: unknown, token?: string | null, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  createTenant(name?: string): Promise<{ id: string; api_key: string }>;
  stop(): Promise<void>;
}

/** Jobs of these queues that are not finished (waiting, running, delayed or prioritized). */
export async function unfinishedIn(queues: readonly Queue[]): Promise<number> {
  const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
  return counts.flatMap((count) => Object.values(count)).reduce((a, b) => a + b, 0);
}

/** Jobs of the events queue and of every delivery partition that are not finished. */
export async function unfinishedJobs(fleet: TestFleet): Promise<number> {
  const queues = fleet.workers[0]?.context.queues;
  if (!queues) throw new Error('fleet has no worker');
  return unfinishedIn([queues.events, ...queues.deliveries, ...queues.retries]);
}

/** The API and workers in this process, on the shared test Redis, under a prefix of their own. */
export async function startFleet(overrides: Record<string, string> = {}, options: { workers?: number } = {}): Promise<TestFleet> {
  const config = loadConfig({
    REDIS_URL: process.env.REDIS_URL,
    REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES,
    PORT: '0',
    METRICS_PORT: '0',
    HOOKFLEET_ADMIN_TOKEN: ADMIN_TOKEN,
    HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true',
    HOOKFLEET_QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    RETRY_DELAY_SCALE: '0.001',
    // Generous: a loaded CI machine must not turn slow answers into retries (duplicates) in exactly-once checks.
    DELIVERY_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const logger = pino({ level: config.logLevel });
  const api = await startApi(config, logger);
  const workers: RunningWorker[] = [];
  for (let index = 0; index < (options.workers ?? 1); index += 1) workers.push(await startWorker(config, logger));
  const call: TestFleet['call'] = async (method, path, body, token = ADMIN_TOKEN, headers = {}) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    config,
    api,
    workers,
    call,
    async createTenant(name = 'acme') {
      const response = await call('POST', '/v1/tenants', { name });
      if (response.status !== 201) throw new Error(`tenant creation failed: ${response.status}`);
      return response.body as { id: string; api_key: string };
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await api.stop();
      await deleteKeys(config, config.prefix);
    },
  };
}
