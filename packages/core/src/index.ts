export * from './config.js';
export * from './errors.js';
export * from './ids.js';
export * from './schemas.js';
export * from './domain.js';
export * from './operation-schemas.js';
export * from './logger.js';
export * from './json-depth.js';
