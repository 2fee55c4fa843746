import { createLogger, LISTEN_ADDRESS, loadConfig, startupStep } from '@hookfleet/core';
import { startApi } from './server.js';

const config = await startupStep('api', 'PORT', () => loadConfig());
const logger = createLogger(config.logLevel, 'api');
if (!config.adminToken) {
  console.error(
    "hookfleet api: HOOKFLEET_ADMIN_TOKEN is required (the operator's bearer token): make one with `openssl rand -base64 24` and set it in every API process's environment, the same on each (Kubernetes: the Secret hookfleet-secrets, docs/deployment.md); `npm start` makes and keeps one for a fleet on this machine.",
  );
  process.exit(1);
}
const api = await startupStep('api', 'PORT', () => startApi(config, logger));
// The URL is this machine's way in; the bound address says who else can reach it.
// The contract's line (docs/contract.md, PORT), then who else can reach it, on a line of its own.
console.log(`listening on ${api.url}`);
console.log(`bound to ${LISTEN_ADDRESS}: every IPv4 interface`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    api.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
