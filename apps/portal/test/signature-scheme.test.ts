import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

// The same setup as portal.test.ts: the built portal, the machine's Chromium, headless in a container.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIR = join(ROOT, 'apps/portal');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

function ensurePortalBuilt(): void {
  const index = join(PORTAL_DIR, 'dist/index.html');
  const sources = Math.max(newestMtime(join(PORTAL_DIR, 'src')), newestMtime(join(PORTAL_DIR, 'index.html')), newestMtime(join(PORTAL_DIR, 'vite.config.ts')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

describe('the portal: signature scheme and public signing keys', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    ensurePortalBuilt();
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Signed Co');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await receiver?.stop();
  });

  let endpointId = '';
  it('creates a v1a endpoint, shows the tenant\'s public keys, and its test event arrives signed v1a', async () => {
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    await page.goto(link.body.url as string);
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(receiver.url('/signed'));
    await page.locator('input[type=checkbox][value="*"]').check();
    await page.getByLabel('Signature scheme').selectOption('v1a');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByText('Endpoint created.').waitFor();
    endpointId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');
    expect((await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.signature).toBe('v1a');
    const published = (await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`, undefined, null)).body.keys as Array<{ kid: string }>;
    const panel = page.getByTestId('signing-keys');
    await panel.getByText(published[0]?.kid ?? '-').waitFor();
    expect(await panel.textContent()).toContain('current');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByTestId('test-result').waitFor();
    const arrived = await waitFor(() => receiver.forPath('/signed')[0], { message: 'the test delivery' });
    expect(arrived.headers['webhook-signature']).toMatch(/^v1a,/);
    expect(arrived.headers['webhook-key-id']).toBe(published[0]?.kid);
  });

  it('shows a rotated-out key as previous, and switches the endpoint back to v1 in its form', async () => {
    await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`, undefined, tenant.api_key);
    await page.reload();
    const panel = page.getByTestId('signing-keys');
    await panel.getByText('previous').waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    const scheme = page.getByLabel('Signature scheme');
    await expect(scheme.inputValue()).resolves.toBe('v1a');
    await scheme.selectOption('v1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Send test event' }).waitFor();
    expect((await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.signature).toBe('v1');
    expect(await page.getByTestId('signing-keys').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
