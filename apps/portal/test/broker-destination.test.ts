import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { RabbitQueue } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIR = join(ROOT, 'apps/portal');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** As portal.test.ts: build the portal when its dist is missing or older than its sources. */
function ensurePortalBuilt(): void {
  const index = join(PORTAL_DIR, 'dist/index.html');
  const sources = Math.max(newestMtime(join(PORTAL_DIR, 'src')), newestMtime(join(PORTAL_DIR, 'index.html')), newestMtime(join(PORTAL_DIR, 'vite.config.ts')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

/** The portal shows and edits a RabbitMQ destination; its password is write-only (never on the page, kept when left empty). */
describe('the portal and broker destinations', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };
  const queue = new RabbitQueue();
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    ensurePortalBuilt();
    await queue.start();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Brokers Inc');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await queue.close();
  });

  it('creates a RabbitMQ endpoint, shows it without its password, and keeps the password through an edit', async () => {
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    await page.goto(link.body.url as string);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Deliver to').selectOption('rabbitmq');
    expect(await page.getByLabel('Endpoint URL').isVisible()).toBe(false);
    await page.getByLabel('RabbitMQ URL').fill('amqp://guest@127.0.0.1:5672');
    await page.getByLabel('Broker password').fill('guest');
    await page.getByLabel('Exchange').fill(queue.exchange);
    await page.getByLabel('Routing key').fill('not-yet');
    await page.locator('input[type=checkbox][value="*"]').check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Endpoint created.').waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');
    const stored = await fleet.call('GET', `/v1/subscriptions/${id}`, undefined, tenant.api_key);
    expect(stored.body.destination).toEqual({ type: 'rabbitmq', url: 'amqp://guest:***@127.0.0.1:5672', exchange: queue.exchange, routing_key: 'not-yet' });
    await page.getByRole('heading', { name: `RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / not-yet` }).waitFor();

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('RabbitMQ URL').inputValue()).resolves.toBe('amqp://guest@127.0.0.1:5672');
    await expect(page.getByLabel('Broker password').inputValue()).resolves.toBe('');
    await page.getByText('a password is stored: leave empty to keep it').waitFor();
    await page.getByLabel('Routing key').fill(queue.routingKey);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: `RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / ${queue.routingKey}` }).waitFor();
    expect(await page.content()).not.toContain('guest:guest');

    // The kept password still logs in: a delivery arrives in the queue.
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.paid', data: { n: 1 } })).status).toBe(202);
    await waitFor(() => queue.messages.length === 1, { message: 'the delivery in the queue' });
    await page.goto(`${fleet.api.url}/portal/`);
    await page.getByText(`RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / ${queue.routingKey}`).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
