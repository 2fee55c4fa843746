export * from './profile.js';
export * from './retry-ladder.js';
export * from './registry.js';
export { standardProfile } from './standard/index.js';
export { signStandardWebhook } from './standard/signature.js';
