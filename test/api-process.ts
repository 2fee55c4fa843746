import { fileURLToPath } from 'node:url';
import type { HookfleetConfig } from '@hookfleet/core';
import { ADMIN_TOKEN } from './fleet.js';
import { spawnBuiltProcess, type SpawnedProcess } from './spawned-process.js';

const API_MAIN = fileURLToPath(new URL('../apps/api/dist/main.js', import.meta.url));

/** stop() lets the API drain; kill() has it die mid-request. */
export interface ApiProcess extends SpawnedProcess {
  url: string;
}

/** A real API process (the built apps/api/dist/main.js; `npm test` builds first) on the fleet's Redis and prefix, PORT=0. */
export async function spawnApi(config: HookfleetConfig, env: Record<string, string> = {}): Promise<ApiProcess> {
  const api = await spawnBuiltProcess(API_MAIN, config, {
    name: 'api',
    listeningLine: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    env: { HOOKFLEET_ADMIN_TOKEN: config.adminToken ?? ADMIN_TOKEN, PORT: '0', ...env },
  });
  return { ...api, url: `http://127.0.0.1:${api.port}` };
}
