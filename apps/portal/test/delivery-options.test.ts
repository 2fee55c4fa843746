import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';

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
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(PORTAL_DIR, 'src'))) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

describe("the portal shows and edits an endpoint's headers, retries, timeout and batch", () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    ensurePortalBuilt();
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Options Inc');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await (await browser.newContext()).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await receiver?.stop();
  });

  let endpointId = '';
  it('creates an endpoint with its own options, and the endpoint page lists them', async () => {
    const session = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    await page.goto(session.body.url as string);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(receiver.url('/hook'));
    await page.locator('input[type=checkbox][value="*"]').check();
    await page.getByLabel('Headers').fill('X-Env: prod\nX-Team: billing');
    await page.getByLabel('Retry delays (seconds)').fill('10, 300');
    await page.getByLabel('Timeout (ms)').fill('5000');
    await page.getByLabel('Batch size').fill('50');
    await page.getByLabel('Batch wait (ms)').fill('200');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Endpoint created.').waitFor();
    endpointId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({
      headers: { 'X-Env': 'prod', 'X-Team': 'billing' },
      retry: { delays_seconds: [10, 300], max_attempts: 3 },
      timeout_ms: 5000,
      batch: { max_events: 50, max_wait_ms: 200 },
    });
    await expect(page.locator('[data-option=headers]').textContent()).resolves.toBe('X-Env: prod; X-Team: billing');
    await expect(page.locator('[data-option=retry]').textContent()).resolves.toContain('10s, 300s; 3 attempts');
    await expect(page.locator('[data-option=timeout]').textContent()).resolves.toBe('5000 ms');
    await expect(page.locator('[data-option=batch]').textContent()).resolves.toContain('up to 50 events');
  });

  it('shows a reserved header refused at its field, and clears the options back to the defaults', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    const headers = page.getByLabel('Headers');
    await expect(headers.inputValue()).resolves.toBe('X-Env: prod\nX-Team: billing');
    await headers.fill('Content-Type: text/plain');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.field-error').first().textContent()).resolves.toContain('written by the delivery');
    await headers.fill('');
    await page.getByLabel('Retry delays (seconds)').fill('');
    await page.getByLabel('Attempts in all').fill('');
    await page.getByLabel('Timeout (ms)').fill('');
    await page.getByLabel('Batch size').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-option=batch]').getByText('one event a request').waitFor();
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ headers: {}, retry: null, timeout_ms: null, batch: null });
  });
});
