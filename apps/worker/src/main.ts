import { createLogger, LISTEN_ADDRESS, loadConfig, startupStep } from '@hookfleet/core';
import { waitForRedis } from './redis-wait.js';
import { startWorker } from './worker.js';

const config = await startupStep('worker', 'METRICS_PORT', () => loadConfig());
const logger = createLogger(config.logLevel, 'worker');
await waitForRedis(config, logger);
const worker = await startupStep('worker', 'METRICS_PORT', () => startWorker(config, logger));
// The URL is this machine's way in; the bound address says who else can reach it.
console.log(`metrics on http://127.0.0.1:${worker.metricsPort}`);
console.log(`bound to ${LISTEN_ADDRESS}: every IPv4 interface`);
logger.info(
  { roles: config.workerRoles, concurrency: config.deliveryConcurrency, partitions: config.workerPartitions, of_partitions: config.partitions },
  'worker started',
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: in-flight deliveries finish, then exit');
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
