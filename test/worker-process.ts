import { fileURLToPath } from 'node:url';
import type { HookfleetConfig } from '@hookfleet/core';
import { spawnBuiltProcess, type SpawnedProcess } from './spawned-process.js';

const WORKER_MAIN = fileURLToPath(new URL('../apps/worker/dist/main.js', import.meta.url));

/** stop() lets the worker drain; kill() has it die mid-work. Its one port is the metrics (and readyz) port. */
export interface WorkerProcess extends Omit<SpawnedProcess, 'port'> {
  metricsPort: number;
}

/** A real worker process (the built apps/worker/dist/main.js; `npm test` builds first) on the fleet's Redis and prefix. */
export async function spawnWorker(config: HookfleetConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const { port, ...worker } = await spawnBuiltProcess(WORKER_MAIN, config, {
    name: 'worker',
    listeningLine: /metrics on http:\/\/127\.0\.0\.1:(\d+)/,
    env: { METRICS_PORT: '0', ...env },
  });
  return { ...worker, metricsPort: port };
}
