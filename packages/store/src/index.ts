export * from './redis.js';
export * from './keys.js';
export * from './tenant-store.js';
export * from './subscription-store.js';
export * from './subscription-index.js';
export * from './event-store.js';
export * from './delivery-store.js';
export * from './bookkeeping-store.js';
export { Redis } from 'ioredis';
