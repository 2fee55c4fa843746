// `npm start`: the whole fleet on one machine — Redis (unless REDIS_URL or REDIS_CLUSTER_NODES), the API, one worker with every role,
// and a demo receiver for the printed curl example. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { adminToken } from './admin-token.mjs';
import { lockDataDir } from './data-dir-lock.mjs';
import { ensureBuilt } from './ensure-built.mjs';
import { shownRedisUrl, whyRedisDoesNotAnswer } from './redis-answers.mjs';
import { REDIS_MISSING, redisServerAvailable, startRedisServer } from './redis-server.mjs';
import { startDemoReceiver } from './demo-receiver.mjs';

const HELP = `npm start [-- --new-token]: the whole fleet on this machine (Redis, API, worker, a demo receiver).

  --new-token   replace the kept admin token with a new one (the old one, and portal links made with it, stop working)
  --help        this text

Environment (as for the API and worker), and:
  PORT                  the API's port (default 3000, or any free port when taken; 0: any free port)
  METRICS_PORT          the worker's metrics port (default 9464, or any free port when taken; 0: any free port)
  HOOKFLEET_ADMIN_TOKEN the operator token to use instead of the kept one (not written down)
  HOOKFLEET_DATA_DIR    where the admin token, the demo's ids and Redis's data are kept (default .data)
  REDIS_URL, REDIS_CLUSTER_NODES   use this Redis instead of starting one
`;

const root = fileURLToPath(new URL('..', import.meta.url));
let flags;
try {
  flags = parseArgs({ options: { 'new-token': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (error) {
  console.error(`hookfleet: ${error.message}\n\n${HELP}`);
  process.exit(2);
}
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}
const dataDir = process.env.HOOKFLEET_DATA_DIR ?? join(root, '.data');
/** The data folder as the banner names it: relative when it is under here (`.data`), else in full. */
const shownDataDir = relative(process.cwd(), dataDir).startsWith('..') ? dataDir : relative(process.cwd(), dataDir) || '.';

const clusterNodes = process.env.REDIS_CLUSTER_NODES;
if (!process.env.REDIS_URL && !clusterNodes && !redisServerAvailable()) {
  console.error(REDIS_MISSING);
  process.exit(1);
}
ensureBuilt();
// Only once built: a fresh clone has no apps/worker/dist yet, and a static import would fail before `--help`, the
// missing-Redis line or the build itself.
const { WORKER_NODE_FLAGS } = await import('../apps/worker/dist/node-flags.js');
mkdirSync(dataDir, { recursive: true });
try {
  const lock = lockDataDir(dataDir, shownDataDir);
  process.on('exit', () => lock.release());
} catch (error) {
  console.error(`hookfleet: ${error.message}`);
  process.exit(1);
}

if (process.env.REDIS_URL || clusterNodes) {
  const why = await whyRedisDoesNotAnswer({ url: process.env.REDIS_URL, clusterNodes });
  if (why) {
    const [what, variable] = clusterNodes
      ? [`the Redis Cluster at ${clusterNodes}`, 'REDIS_CLUSTER_NODES']
      : [`Redis at ${shownRedisUrl(process.env.REDIS_URL)}`, 'REDIS_URL'];
    console.error(
      `hookfleet: ${what} (${variable}) does not answer: ${why}. Start it, correct ${variable}, or unset it and npm start runs a Redis of its own.`,
    );
    process.exit(1);
  }
}

const redis = process.env.REDIS_URL || clusterNodes ? null : await startRedisServer({ appendOnly: true, dir: join(dataDir, 'redis') });
const redisUrl = process.env.REDIS_URL ?? redis?.url ?? 'redis://127.0.0.1:6379';
const token = adminToken({ dataDir, renew: flags['new-token'] });
if (flags['new-token'] && token.source === 'environment')
  console.error('hookfleet: --new-token does nothing while HOOKFLEET_ADMIN_TOKEN is set; that token is used');
// The usual ports when free; otherwise (or with 0) the processes take any free port and say which.
const apiPort = process.env.PORT ?? ((await isFree(3000)) ? '3000' : '0');
const metricsPort = process.env.METRICS_PORT ?? ((await isFree(9464)) ? '9464' : '0');

const children = [];
let receiver;
let stopping = false;
async function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve)))));
  await receiver?.close();
  await redis?.stop();
  process.exit(code);
}
// From the first child on: a Ctrl-C or SIGTERM during the start (a Redis slow to answer) stops what has started.
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

function run(name, script, extraEnv, nodeFlags = []) {
  const child = spawn(process.execPath, [...nodeFlags, join(root, script)], {
    env: { HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true', ...process.env, REDIS_URL: redisUrl, HOOKFLEET_ADMIN_TOKEN: token.token, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.on('data', (chunk) => process.stdout.write(chunk));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`hookfleet: ${name} exited (${signal ?? code}); stopping`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

/** The first match of `pattern` in a child's output: how a process that took any free port says which. */
function announced(child, pattern) {
  return new Promise((resolve) => {
    let seen = '';
    const listener = (chunk) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      child.stdout.off('data', listener);
      resolve(match);
    };
    child.stdout.on('data', listener);
  });
}

let demoSecret;
receiver = await startDemoReceiver({ getSecret: () => demoSecret });
const api = run('api', 'apps/api/dist/main.js', { PORT: apiPort });
const worker = run('worker', 'apps/worker/dist/main.js', { METRICS_PORT: metricsPort }, WORKER_NODE_FLAGS);
let apiUrl, workerMetricsUrl, demo;
try {
  [[, apiUrl], [, workerMetricsUrl]] = await Promise.all([announced(api, /listening on (http:\/\/\S+)/), announced(worker, /metrics on (http:\/\/\S+)/)]);
  demo = await ensureDemo();
} catch (error) {
  // Never leave the API and worker running behind a failed start.
  console.error(`hookfleet: the demo could not be set up: ${error.message}; stopping`);
  await stop(1);
}
demoSecret = demo.secret;
const tokenNote = {
  environment: 'from HOOKFLEET_ADMIN_TOKEN',
  kept: `kept in ${join(shownDataDir, 'admin-token')}; \`npm start -- --new-token\` replaces it`,
  new: `new, kept in ${join(shownDataDir, 'admin-token')} for the next start; \`npm start -- --new-token\` replaces it`,
}[token.source];
console.log(`
hookfleet is running
  API          ${apiUrl}   (native routes under /v1; health: /healthz, metrics: /metrics)
  API docs     ${apiUrl}/docs
  portal       ${demo.portalUrl ?? `${apiUrl}/portal`}   (the demo tenant's endpoint portal${demo.portalExpires ? `, link valid until ${demo.portalExpires}` : ''})
  queues       ${apiUrl}/admin/queues   (any user name, the admin token as password)
  worker       roles matcher,delivery; metrics on ${workerMetricsUrl}/metrics
  Redis        ${clusterNodes ? `cluster ${clusterNodes}` : redisUrl}${redis ? ` (data in ${join(shownDataDir, 'redis')}, AOF on)` : ''}
  admin token  ${token.token}   (${tokenNote})

For the CLI (npx hookfleet …) and your own scripts:

  export HOOKFLEET_URL=${apiUrl} HOOKFLEET_TOKEN=${token.token} TENANT=${demo.tenant}

A demo tenant (${demo.tenant}) has a subscription to the demo receiver on 127.0.0.1:${receiver.port}.
Publish an event and watch the signed delivery arrive here:

  curl -s -X POST ${apiUrl}/v1/events \\
    -H 'Authorization: Bearer ${token.token}' -H 'Content-Type: application/json' \\
    -d '{"tenant":"${demo.tenant}","profile":"standard","type":"invoice.paid","data":{"invoice":"inv_1","amount":4200}}'

Ctrl-C stops everything.
`);

async function isFree(port) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The demo tenant and its subscription, kept in .data/demo.json and pointed at this run's receiver. */
async function ensureDemo() {
  const file = join(dataDir, 'demo.json');
  const call = async (method, path, body) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
  const url = `http://127.0.0.1:${receiver.port}/webhooks`;
  /** A portal link for the demo tenant; the banner falls back to the bare /portal if the API refuses. */
  const withPortalLink = async (demo) => {
    const session = await call('POST', '/v1/portal-sessions', { tenant: demo.tenant });
    return session.status === 201 ? { ...demo, portalUrl: session.body.url, portalExpires: session.body.expires_at } : demo;
  };
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const patched = await call('PATCH', `/v1/subscriptions/${saved.subscription}`, { url, active: true });
    if (patched.status === 200) return withPortalLink({ tenant: saved.tenant, secret: patched.body.secret });
  }
  const tenant = await call('POST', '/v1/tenants', { name: 'demo' });
  const subscription = await call('POST', '/v1/subscriptions', { tenant: tenant.body.id, url, events: ['*'], description: 'npm start demo receiver' });
  writeFileSync(file, JSON.stringify({ tenant: tenant.body.id, subscription: subscription.body.id }));
  return withPortalLink({ tenant: tenant.body.id, secret: subscription.body.secret });
}
