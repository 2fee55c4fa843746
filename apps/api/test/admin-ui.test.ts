import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Queue, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { assertChromium, launchChromium } from '../../../test/chromium.js';
import { ADMIN_TOKEN, deleteKeys, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { testQueueConnection, testQueuePrefix, testRedisTarget } from '../../../test/redis.js';
import { operatorCredential, queueAdmin, QUEUE_ADMIN_PATH } from '../src/admin/queue-admin.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('operator credentials for the queue admin UI', () => {
  it.each([
    ['Bearer secret-token', 'secret-token'],
    ['bearer   secret-token', 'secret-token'],
    [basic('operator', 'secret-token'), 'secret-token'],
    [basic('', 'secret-token'), 'secret-token'],
    [basic('anyone', 'with:colon'), 'with:colon'],
    ['Basic bm9jb2xvbg==', undefined],
    ['Token secret-token', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, expected) => {
    expect(operatorCredential(header)).toBe(expected);
  });
});

describe('the queue admin UI at /admin/queues', () => {
  let fleet: TestFleet;
  let browser: Browser | undefined;

  beforeAll(async () => {
    fleet = await startFleet();
  });

  afterAll(async () => {
    await browser?.close();
    await fleet.stop();
  });

  const get = (path: string, authorization?: string) => fetch(`${fleet.api.url}${path}`, { headers: authorization ? { authorization } : {} });

  it('answers 401 with a Basic challenge without the operator token', async () => {
    const tenant = await fleet.createTenant('admin-ui');
    for (const authorization of [undefined, 'Bearer wrong', basic('operator', 'wrong'), `Bearer ${tenant.api_key}`]) {
      const response = await get(QUEUE_ADMIN_PATH, authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await response.json()).toEqual({ error: 'operator token required' });
    }
    expect((await get(`${QUEUE_ADMIN_PATH}/api/queues`)).status).toBe(401);
  });

  it('lists both queues to the operator token, as Bearer or as the Basic password', async () => {
    for (const authorization of [`Bearer ${ADMIN_TOKEN}`, basic('ops', ADMIN_TOKEN)]) {
      const response = await get(`${QUEUE_ADMIN_PATH}/api/queues`, authorization);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { queues: Array<{ name: string; readOnlyMode: boolean; allowRetries: boolean }> };
      const names = body.queues.map((queue) => queue.name);
      expect(names).toEqual(expect.arrayContaining(['events', 'deliveries']));
      expect(body.queues.every((queue) => queue.readOnlyMode && !queue.allowRetries)).toBe(true);
    }
  });

  it('is read-only by default: a retry, an empty or a clean is refused', async () => {
    for (const path of ['/api/queues/deliveries/retry/failed', '/api/queues/deliveries/empty', '/api/queues/events/clean/completed']) {
      const response = await fetch(`${fleet.api.url}${QUEUE_ADMIN_PATH}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(405);
    }
  });

  it('shows both queues in headless Chromium with the token, and 401 without it', async () => {
    assertChromium();
    browser = await launchChromium();

    // Without credentials Chromium gets the Basic challenge, has nothing to answer it with, and fails the navigation.
    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    const challenged = anonymousPage.waitForResponse((answer) => answer.url().endsWith(QUEUE_ADMIN_PATH), { timeout: 20_000 });
    await anonymousPage.goto(`${fleet.api.url}${QUEUE_ADMIN_PATH}`).catch(() => null);
    const refused = await challenged;
    expect(refused.status()).toBe(401);
    expect(refused.headers()['www-authenticate']).toMatch(/^Basic /);
    await anonymous.close();

    const operator = await browser.newContext({ httpCredentials: { username: 'operator', password: ADMIN_TOKEN } });
    const page = await operator.newPage();
    const response = await page.goto(`${fleet.api.url}${QUEUE_ADMIN_PATH}`);
    expect(response?.status()).toBe(200);
    for (const name of ['events', 'deliveries']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor({ state: 'visible', timeout: 20_000 });
    }
    await operator.close();

    // Browsing the board adds route templates to the API's request metrics, never raw paths.
    const metrics = await (await fetch(`${fleet.api.url}/metrics`)).text();
    const routes = new Set([...metrics.matchAll(/hookfleet_http_request_duration_seconds_count\{[^}]*route="([^"]*)"/g)].map((match) => match[1]));
    expect([...routes]).toContain('/admin/queues/api/queues');
    for (const route of routes) expect(route).toMatch(/^(unmatched|(\/[a-z0-9-]*|\/:[a-zA-Z]+|,)+)$/);
  });
});

describe('the queue admin UI with HOOKFLEET_ADMIN_UI_ALLOW_RETRIES', () => {
  const prefix = testQueuePrefix(`tadmin${Date.now().toString(36)}`);
  const queueConnection = testQueueConnection();
  const { connection } = queueConnection;
  let queue: Queue;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    queue = new Queue('deliveries', { connection, prefix });
    const app = express();
    app.use(QUEUE_ADMIN_PATH, queueAdmin({ adminToken: ADMIN_TOKEN, queues: [queue], allowRetries: true }));
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${QUEUE_ADMIN_PATH}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await queue.close();
    await queueConnection.close();
    await deleteKeys(testRedisTarget(), prefix);
  });

  const put = (path: string) => fetch(`${url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('retries failed jobs and refuses every other write', async () => {
    await queue.add('doomed', { n: 1 });
    const worker = new Worker(
      'deliveries',
      async () => {
        throw new Error('receiver down');
      },
      { connection, prefix },
    );
    try {
      await waitFor(async () => (await queue.getJobCounts('failed')).failed === 1, { message: 'one failed job' });
    } finally {
      await worker.close();
    }
    for (const path of [
      '/api/queues/deliveries/empty',
      '/api/queues/deliveries/pause',
      '/api/queues/deliveries/clean/failed',
      '/api/queues/deliveries/obliterate',
    ]) {
      expect((await put(path)).status).toBe(405);
    }
    expect((await put('/api/queues/deliveries/retry/failed')).status).toBe(200);
    const counts = await queue.getJobCounts('failed', 'waiting');
    expect(counts).toEqual({ failed: 0, waiting: 1 });
  });
});
