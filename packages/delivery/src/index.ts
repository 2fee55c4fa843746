export * from './ssrf-guard.js';
export * from './semaphore.js';
export * from './transport.js';
export * from './classify.js';
export * from './retry-after.js';
export * from './slow-origins.js';
