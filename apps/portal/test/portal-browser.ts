import { expect } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Route } from 'playwright-core';
import { assertChromium, launchChromium } from '../../../test/chromium.js';
import type { TestFleet } from '../../../test/fleet.js';

/**
 * The setup every portal browser test shares: the built portal, the machine's Chromium headless in a container, and
 * the portal's sign-in and endpoint-creation steps. A helper, not a test: jest.config.ts collects only `*.test.ts`.
 */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PORTAL_DIR = join(ROOT, 'apps/portal');
export const LAPTOP = { width: 1280, height: 860 };

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/**
 * Fails at once without Chromium, and builds the portal when its dist is missing or older than its sources
 * (`npm test` may not have built it).
 */
export function preparePortal(): void {
  assertChromium();
  const index = join(PORTAL_DIR, 'dist/index.html');
  const sources = Math.max(newestMtime(join(PORTAL_DIR, 'src')), newestMtime(join(PORTAL_DIR, 'index.html')), newestMtime(join(PORTAL_DIR, 'vite.config.ts')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const build = spawnSync('npm', ['run', 'build', '-w', '@hookfleet/portal'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the portal failed (npm run build -w @hookfleet/portal)');
}

export interface PortalBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The page's uncaught errors: a test expects none. */
  pageErrors: string[];
}

/** Launches Chromium with one page; closing `browser` closes the rest. */
export async function launchPortalBrowser(contextOptions: BrowserContextOptions = {}): Promise<PortalBrowser> {
  const browser = await launchChromium();
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, context, page, pageErrors };
}

/** A portal sign-in link for the tenant's API key (`body` may narrow it to some subscriptions). */
export async function portalLink(fleet: TestFleet, apiKey: string, body: unknown = {}): Promise<string> {
  const response = await fleet.call('POST', '/v1/portal-sessions', body, apiKey);
  expect(response.status).toBe(201);
  return response.body.url as string;
}

/** Opens the "Add endpoint" form from the endpoints page and fills in an HTTP endpoint to `url` for every event type. */
export async function openEndpointForm(page: Page, url: string): Promise<void> {
  await page.getByRole('link', { name: 'Add endpoint' }).click();
  await page.getByLabel('Endpoint URL').fill(url);
  await page.locator('input[type=checkbox][value="*"]').check();
}

/** Submits the filled "Add endpoint" form, waits for its success and returns the new endpoint's id from the address. */
export async function createEndpoint(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  await page.getByText('Endpoint created.').waitFor();
  return decodeURIComponent(new URL(page.url()).pathname.split('/')[3] ?? '');
}

/** An answer of an API that cannot serve the request just now, as the portal's intercepted reads get it. */
export type BusyAnswer = { status: 404 | 429 | 503; code: string };

/** The first answers a test gives a read the page makes before letting it through: a 503, then a 429. */
export const BUSY_ANSWERS: readonly BusyAnswer[] = [
  { status: 503, code: 'unavailable' },
  { status: 429, code: 'rate_limited' },
];

/** Answers an intercepted request as a busy API does: the status, the JSON error, `Retry-After: 1`. */
export function fulfillBusy(route: Route, answer: BusyAnswer): Promise<void> {
  return route.fulfill({
    status: answer.status,
    contentType: 'application/json',
    headers: { 'retry-after': '1' },
    body: JSON.stringify({ error: 'busy', code: answer.code }),
  });
}
