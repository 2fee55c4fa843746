export * from './jobs.js';
export * from './backoff.js';
export * from './queues.js';
export * from './fan-out.js';
export * from './queue-gauges.js';
export * from './readiness.js';
export * from './redeliver.js';
export * from './connection.js';
