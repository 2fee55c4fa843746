import { createLogger, loadConfig, startupFailureLine } from '@hookfleet/core';
import { startApi } from './server.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'api');
if (!config.adminToken) {
  console.error('hookfleet api: HOOKFLEET_ADMIN_TOKEN is required (the operator bearer token); `npm start` generates one.');
  process.exit(1);
}
const api = await startApi(config, logger).catch((error: unknown) => {
  const line = startupFailureLine(error, 'PORT');
  if (!line) throw error;
  console.error(`hookfleet api: ${line}`);
  process.exit(1);
});
console.log(`listening on http://127.0.0.1:${api.port}`);

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
