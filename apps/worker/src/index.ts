export { startWorker, type RunningWorker } from './worker.js';
export { createLogger } from '@hookfleet/core';
