// `npm test`: a private redis-server unless REDIS_URL is set, the build (integration tests spawn the built
// processes), then jest; ends with the plain line "Tests: N passed, N failed".
// HOOKFLEET_TEST_REDIS=cluster (`npm run test:cluster`): jest's global setup starts a private Redis Cluster instead.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_MISSING, redisServerAvailable, startRedisServer } from './redis-server.mjs';

if (!process.env.REDIS_URL && !redisServerAvailable()) {
  console.error(REDIS_MISSING);
  process.exit(1);
}
const build = spawnSync('npx', ['tsc', '-b', 'tsconfig.build.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const portal = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { stdio: 'inherit' });
if (portal.status !== 0) process.exit(portal.status ?? 1);

const onCluster = process.env.HOOKFLEET_TEST_REDIS === 'cluster';
const redis = process.env.REDIS_URL || onCluster ? null : await startRedisServer();
const outDir = mkdtempSync(join(tmpdir(), 'hookfleet-jest-'));
const resultsFile = join(outDir, 'results.json');
const args = ['jest', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)];
const child = spawn('npx', args, {
  stdio: 'inherit',
  env: {
    ...process.env,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  },
});
const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode ?? 1)));
await redis?.stop();
let summary = null;
try {
  summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
} catch {
  // jest died before writing results
}
rmSync(outDir, { recursive: true, force: true });
if (summary) {
  console.log(`Tests: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
  if (summary.numTotalTests === 0 && code === 0) process.exit(1);
} else {
  console.log('Tests: 0 passed, 1 failed');
}
process.exit(code);
