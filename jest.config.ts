import type { Config } from 'jest';

/**
 * HOOKFLEET_TEST_REDIS=cluster (`npm run test:cluster`) runs on a Redis Cluster: the `*.cluster.test.ts` files
 * (failover) run only then, and the tests that stop the one Redis run only on a single Redis.
 */
const onCluster = process.env.HOOKFLEET_TEST_REDIS === 'cluster';
const SINGLE_REDIS_ONLY = ['/apps/worker/test/redis-restart\\.test\\.ts$', '/apps/worker/test/store-refuses-writes\\.test\\.ts$'];

/** ESM TypeScript through @swc/jest; packages resolve to their sources, so tests need no build. */
const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  moduleNameMapper: {
    '^@hookfleet/(core|profiles|store|queue|delivery|metrics|client)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/{apps,packages}/*/{src,test}/**/*.test.ts', '<rootDir>/test/*.test.ts', '<rootDir>/infra/**/*.test.ts', '<rootDir>/bench/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(onCluster ? SINGLE_REDIS_ONLY : ['\\.cluster\\.test\\.ts$'])],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60_000,
  maxWorkers: 2,
};

export default config;
