import { createLogger, loadConfig, startupFailureLine } from '@hookfleet/core';
import { startWorker } from './worker.js';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'worker');
const worker = await startWorker(config, logger).catch((error: unknown) => {
  const line = startupFailureLine(error, 'METRICS_PORT');
  if (!line) throw error;
  console.error(`hookfleet worker: ${line}`);
  process.exit(1);
});
console.log(`metrics on http://127.0.0.1:${worker.metricsPort}`);
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
