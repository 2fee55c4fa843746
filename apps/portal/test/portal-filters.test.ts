import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIR = join(ROOT, 'apps/portal');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What this machine's Chromium needs to start headless inside a container (as portal.test.ts). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Builds the portal when its dist is missing or older than its sources (as portal.test.ts). */
function ensurePortalBuilt(): void {
  const index = join(PORTAL_DIR, 'dist/index.html');
  const sources = Math.max(newestMtime(join(PORTAL_DIR, 'src')), newestMtime(join(PORTAL_DIR, 'index.html')), newestMtime(join(PORTAL_DIR, 'vite.config.ts')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

describe('the portal: an endpoint’s filter and the event types’ schemas', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    ensurePortalBuilt();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Filters Inc');
    const schema = { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } };
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'order.paid', description: 'An order was paid', schema })).status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('shows a registered type’s schema in the event picker, creates an endpoint with a filter and shows the server’s 400 by path', async () => {
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    await page.goto(link.body.url as string);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.locator('input[type=checkbox][value="order.paid"]').check();
    await page.locator('li', { has: page.locator('input[value="order.paid"]') }).getByText('Data schema').click();
    await page.getByText('"required": [').waitFor();
    await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/orders');
    await page.getByLabel('Filter (optional)').fill('{"data.amount": {"$gtt": 100}}');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const problem = page.locator('#filter-error');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('data.amount.$gtt: unknown operator $gtt');
    await page.getByLabel('Filter (optional)').fill('{"data.amount": ');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#filter-error', { hasText: 'not JSON' }).waitFor();
    await page.getByLabel('Filter (optional)').fill('{"data.amount": {"$gte": 100}}');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Endpoint created.').waitFor();
    const endpointId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ events: ['order.paid'], filter: { 'data.amount': { $gte: 100 } } });

    // The edit form shows the stored filter, changes it, and an emptied editor removes it.
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}/edit`);
    const editor = page.getByLabel('Filter (optional)');
    await editor.waitFor();
    expect(JSON.parse(await editor.inputValue())).toEqual({ 'data.amount': { $gte: 100 } });
    await editor.fill('{"$or": [{"data.amount": {"$gt": 1000}}, {"data.vip": true}]}');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitForFilter(endpointId, { $or: [{ 'data.amount': { $gt: 1000 } }, { 'data.vip': true }] });
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}/edit`);
    await page.getByLabel('Filter (optional)').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await waitForFilter(endpointId, null);
    expect(pageErrors).toEqual([]);
  });

  async function waitForFilter(endpointId: string, expected: unknown): Promise<void> {
    await page.waitForURL((url) => !url.pathname.endsWith('/edit'));
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body.filter).toEqual(expected);
  }
});
