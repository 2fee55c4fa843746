import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIR = join(ROOT, 'apps/portal');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** What this machine's Chromium needs to start headless inside a container (as in portal.test.ts). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** Builds the portal when its dist is missing or older than its sources. */
function ensurePortalBuilt(): void {
  const index = join(PORTAL_DIR, 'dist/index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(PORTAL_DIR, 'src'))) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

describe("a poll endpoint's page in the portal", () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    ensurePortalBuilt();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Pull Co');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await (await browser.newContext()).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('shows the backlog and how long it waited, and the portal session fetches and empties it, and an edit without a URL keeps it a pull endpoint', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['pull.*'] }, tenant.api_key);
    const subscriptionId = created.body.id as string;
    for (const id of ['p-1', 'p-2', 'p-3']) await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'pull.made', id, data: { id } });
    const backlog = async () => (await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/backlog`, undefined, tenant.api_key)).body as { messages: number };
    await waitFor(async () => (await backlog()).messages === 3, { message: 'three messages handed over' });

    const link = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: [subscriptionId] }, tenant.api_key);
    await page.goto(link.body.url as string);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(subscriptionId)}`);
    await page.getByRole('heading', { name: 'Waiting to be fetched' }).waitFor();
    await page.getByRole('heading', { name: 'Pull endpoint (fetched by its subscriber)' }).waitFor();
    await waitFor(async () => (await page.locator('[data-stat="poll-backlog"]').textContent()) === '3', { message: 'the backlog of 3 shown' });
    expect(await page.locator('[data-stat="poll-lag"]').textContent()).not.toBe('none waiting');

    // The subscriber may fetch with its portal session: read everything, then acknowledge it.
    const token = decodeURIComponent(String(link.body.url).split('#token=')[1] ?? '');
    const asSubscriber = { 'x-hookfleet-portal': '1' };
    const first = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/messages?limit=10`, undefined, token, asSubscriber);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(3);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/messages?after=${first.body.next}`, undefined, token, asSubscriber)).status).toBe(200);
    await waitFor(async () => (await page.locator('[data-stat="poll-backlog"]').textContent()) === '0', { message: 'the emptied backlog shown', timeoutMs: 30_000 });
    expect(await page.locator('[data-stat="poll-lag"]').textContent()).toBe('none waiting');

    // Edited without a URL, it stays a pull endpoint.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description (optional)').fill('Pulled by the ledger');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Pulled by the ledger').waitFor();
    const stored = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ description: 'Pulled by the ledger', destination: { type: 'poll' } });
  });
});
