export * from './metrics.js';
export * from './counters-from-zero.js';
