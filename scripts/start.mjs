// `npm start`: the whole fleet on one machine — Redis (unless REDIS_URL or REDIS_CLUSTER_NODES), the API, one worker with every role,
// and a demo receiver for the printed curl example. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ensureBuilt } from './ensure-built.mjs';
import { freePort, REDIS_MISSING, redisServerAvailable, startRedisServer } from './redis-server.mjs';
import { startDemoReceiver } from './demo-receiver.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, '.data');

const clusterNodes = process.env.REDIS_CLUSTER_NODES;
if (!process.env.REDIS_URL && !clusterNodes && !redisServerAvailable()) {
  console.error(REDIS_MISSING);
  process.exit(1);
}
ensureBuilt();
mkdirSync(dataDir, { recursive: true });

const redis = process.env.REDIS_URL || clusterNodes ? null : await startRedisServer({ appendOnly: true, dir: join(dataDir, 'redis') });
const redisUrl = process.env.REDIS_URL ?? redis?.url ?? 'redis://127.0.0.1:6379';
const adminToken = process.env.HOOKFLEET_ADMIN_TOKEN ?? `hfadm_${randomBytes(18).toString('base64url')}`;
const apiPort = process.env.PORT ?? String((await isFree(3000)) ? 3000 : await freePort());
const metricsPort = process.env.METRICS_PORT ?? String((await isFree(9464)) ? 9464 : await freePort());

const children = [];
function run(name, script, extraEnv) {
  const child = spawn(process.execPath, [join(root, script)], {
    env: { HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true', ...process.env, REDIS_URL: redisUrl, HOOKFLEET_ADMIN_TOKEN: adminToken, ...extraEnv },
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

let demoSecret;
const receiver = await startDemoReceiver({ getSecret: () => demoSecret });
const api = run('api', 'apps/api/dist/main.js', { PORT: apiPort });
run('worker', 'apps/worker/dist/main.js', { METRICS_PORT: metricsPort });
await new Promise((resolve) => api.stdout.on('data', (chunk) => chunk.toString().includes('listening on') && resolve(undefined)));
const apiUrl = `http://127.0.0.1:${apiPort}`;

const demo = await ensureDemo();
demoSecret = demo.secret;
console.log(`
hookfleet is running
  API          ${apiUrl}   (health: ${apiUrl}/healthz, metrics: ${apiUrl}/metrics)
  worker       roles matcher,delivery; metrics on http://127.0.0.1:${metricsPort}/metrics
  Redis        ${clusterNodes ? `cluster ${clusterNodes}` : redisUrl}${redis ? ' (data in .data/redis, AOF on)' : ''}
  admin token  ${adminToken}

A demo tenant (${demo.tenant}) has a subscription to the demo receiver on 127.0.0.1:${receiver.port}.
Publish an event and watch the signed delivery arrive here:

  curl -s -X POST ${apiUrl}/v1/events \\
    -H 'Authorization: Bearer ${adminToken}' -H 'Content-Type: application/json' \\
    -d '{"tenant":"${demo.tenant}","profile":"standard","type":"invoice.paid","data":{"invoice":"inv_1","amount":4200}}'

Ctrl-C stops everything.
`);

let stopping = false;
async function stop(code = 0) {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve)))));
  await receiver.close();
  await redis?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

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
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
  const url = `http://127.0.0.1:${receiver.port}/webhooks`;
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    const patched = await call('PATCH', `/v1/subscriptions/${saved.subscription}`, { url, active: true });
    if (patched.status === 200) return { tenant: saved.tenant, secret: patched.body.secret };
  }
  const tenant = await call('POST', '/v1/tenants', { name: 'demo' });
  const subscription = await call('POST', '/v1/subscriptions', { tenant: tenant.body.id, url, events: ['*'], description: 'npm start demo receiver' });
  writeFileSync(file, JSON.stringify({ tenant: tenant.body.id, subscription: subscription.body.id }));
  return { tenant: tenant.body.id, secret: subscription.body.secret };
}
