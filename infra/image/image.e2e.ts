// The container image as operators run it: `npm run test:image` (infra/image/test-image.mjs) builds it, then
// runs this file with DOCKER_HOST and HOOKFLEET_IMAGE set. The API and a worker run as containers on the host's
// network (the Redis of scripts/test.mjs, a receiver on 127.0.0.1), with the restrictions of infra/k8s: read-only
// root filesystem, no capabilities, no privilege escalation.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/redis-server.mjs';
import { waitFor } from '../../test/wait.js';
import { WORKER_NODE_FLAGS } from '../../apps/worker/src/node-flags.js';

const IMAGE = process.env.HOOKFLEET_IMAGE ?? 'hookfleet:test';
const ADMIN_TOKEN = `image-${randomBytes(8).toString('hex')}`;
const PREFIX = `img${randomBytes(4).toString('hex')}`;
/** How long the receiver holds the delivery the worker must finish while it drains. */
const SLOW_ANSWER_MS = 4_000;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const execFileAsync = promisify(execFile);

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** A shell script run in a throwaway container of the image (its entrypoint replaced by sh). */
function shInImage(script: string): Promise<string> {
  return docker('run', '--rm', '--entrypoint', 'sh', IMAGE, '-c', script);
}

/** A receiver on 127.0.0.1: `/slow` answers after SLOW_ANSWER_MS; it records each request when it arrives and when answered. */
class Receiver {
  readonly arrived: string[] = [];
  readonly answered: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      this.arrived.push(request.url ?? '');
      const answer = () => {
        response.end('ok', () => this.answered.push(request.url ?? ''));
      };
      if (request.url === '/slow') setTimeout(answer, SLOW_ANSWER_MS);
      else answer();
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe(`the image ${IMAGE}`, () => {
  const containers: string[] = [];
  const receiver = new Receiver();
  let receiverUrl = '';
  let apiUrl = '';
  let workerMetricsUrl = '';
  let worker = '';
  let tenant: { id: string; api_key: string };

  const call = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of several shapes, read field by field
    return { status: response.status, body: (await response.json()) as any };
  };

  /** A container as infra/k8s runs one: the host's network, read-only root, no capabilities, non-root (the image's USER). */
  const runContainer = async (role: string, env: Record<string, string>, command: string[] = []) => {
    const name = `hookfleet-${role}-${PREFIX}`;
    const environment = {
      REDIS_URL: process.env.REDIS_URL as string,
      HOOKFLEET_QUEUE_PREFIX: PREFIX,
      HOOKFLEET_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'info',
      ...env,
    };
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '--read-only',
      '--tmpfs',
      '/tmp',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      ...Object.entries(environment).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
      IMAGE,
      ...command,
    );
    containers.push(name);
    return name;
  };

  const ready = (url: string) =>
    waitFor(async () => (await fetch(`${url}/readyz`).catch(() => null))?.ok === true, { timeoutMs: 60_000, message: `${url}/readyz` });

  beforeAll(async () => {
    receiverUrl = await receiver.start();
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}`;
    await runContainer('api', { PORT: String(apiPort) });
    worker = await runContainer('worker', { METRICS_PORT: String(metricsPort), WORKER_ROLES: 'matcher,delivery' }, [
      'node',
      ...WORKER_NODE_FLAGS,
      'apps/worker/dist/main.js',
    ]);
    await Promise.all([ready(apiUrl), ready(workerMetricsUrl)]);
    tenant = (await call('POST', '/v1/tenants', { name: 'image' })).body;
  }, 120_000);

  // Removing a container on vfs deletes a full copy of its filesystem: slow on a busy machine.
  afterAll(async () => {
    if (process.env.HOOKFLEET_IMAGE_KEEP_LOGS) for (const name of containers) console.log(name, await docker('logs', name).catch(() => ''));
    await Promise.all(containers.map((name) => docker('rm', '-f', name).catch(() => undefined)));
    await receiver.stop();
  }, 240_000);

  it('carries its version and source labels, a HEALTHCHECK, and runs as a non-root user', async () => {
    const config = JSON.parse(await docker('image', 'inspect', '-f', '{{json .Config}}', IMAGE)) as {
      Labels: Record<string, string>;
      Healthcheck?: { Test: string[] };
      User: string;
    };
    expect(config.Labels['org.opencontainers.image.version']).toBe(VERSION);
    expect(config.Labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
    expect(config.Healthcheck?.Test.join(' ')).toContain('/healthz');
    for (const name of containers) {
      const status = await docker('exec', name, 'cat', '/proc/1/status');
      expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe('1000');
      expect(await docker('exec', name, 'cat', '/proc/1/cmdline')).toContain('node');
    }
  });

  it('holds no dev-only dependency (as the lockfile marks them), no TypeScript source and no tests', async () => {
    const lockfile = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    // Packages a workspace needs in another version than the root's sit under apps/*/node_modules (ajv 8 beside eslint's 6).
    const devOnly = new Set(Object.entries(lockfile.packages).flatMap(([path, entry]) => (entry.dev && path.includes('node_modules/') ? [path] : [])));
    expect(devOnly).toContain('node_modules/vite');
    const installed = (
      await shInImage(
        'cd /app && for dir in node_modules apps/*/node_modules packages/*/node_modules; do [ -d "$dir" ] && find "$dir" -mindepth 1 -maxdepth 2 ! -name ".*"; done; true',
      )
    ).split('\n');
    expect(installed).toContain('node_modules/express');
    expect(installed).toContain('apps/api/node_modules/ajv');
    expect(installed.filter((path) => devOnly.has(path))).toEqual([]);
    // Our own sources and tests only: a dependency may ship its TypeScript sources beside its compiled code (ajv does).
    const sources = await shInImage(
      'cd /app && find apps packages -name node_modules -prune -o \\( -name "*.ts" ! -name "*.d.ts" -o -name test -type d \\) -print',
    );
    expect(sources).toBe('');
  });

  it('reports healthy by its HEALTHCHECK', async () => {
    await waitFor(async () => (await docker('inspect', '-f', '{{.State.Health.Status}}', containers[0] as string)) === 'healthy', {
      timeoutMs: 90_000,
      message: 'api container healthy',
    });
  }, 120_000);

  it('delivers a published event to a receiver', async () => {
    const subscription = await call('POST', '/v1/subscriptions', { url: `${receiverUrl}/fast`, events: ['image.fast'] }, tenant.api_key);
    expect(subscription.status).toBe(201);
    expect((await call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'image.fast', data: { n: 1 } })).status).toBe(202);
    await waitFor(() => receiver.answered.includes('/fast'), { timeoutMs: 30_000, message: 'delivery to /fast' });
  });

  it('opens a portal link on the real portal page and its assets', async () => {
    const session = await call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    expect(session.status).toBe(201);
    const page = await fetch(new URL(session.body.url).href.replace(/#.*$/, ''));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="app">');
    const assets = [...html.matchAll(/(?:src|href)="(\/portal\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(1);
    for (const asset of assets) expect((await fetch(`${apiUrl}${asset}`)).status).toBe(200);
  });

  it('serves the OpenAPI document and the reference page with its assets', async () => {
    expect((await call('GET', '/openapi.json')).body.openapi).toBe('3.1.0');
    const page = await fetch(`${apiUrl}/docs`);
    expect(page.status).toBe(200);
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css']) expect((await fetch(`${apiUrl}${asset}`)).status).toBe(200);
  });

  it('drains a worker on `docker stop`: the delivery in flight completes, then the process exits 0', async () => {
    const subscription = (await call('POST', '/v1/subscriptions', { url: `${receiverUrl}/slow`, events: ['image.slow'] }, tenant.api_key)).body;
    await call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'image.slow', data: { n: 2 } });
    await waitFor(() => receiver.arrived.includes('/slow'), { timeoutMs: 30_000, message: 'the slow delivery in flight' });
    expect(receiver.answered).not.toContain('/slow');
    await docker('stop', '-t', '30', worker);
    expect(await docker('inspect', '-f', '{{.State.ExitCode}} {{.State.OOMKilled}}', worker)).toBe('0 false');
    expect(receiver.answered).toContain('/slow');
    expect(receiver.arrived.filter((path) => path === '/slow')).toHaveLength(1);
    const deliveries = (await call('GET', `/v1/deliveries?subscription=${subscription.id}`, undefined, tenant.api_key)).body;
    expect(deliveries.data.map((delivery: { status: string }) => delivery.status)).toEqual(['delivered']);
    expect(await docker('logs', worker)).toContain('draining');
  }, 90_000);
});
