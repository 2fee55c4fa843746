import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { LAPTOP, launchPortalBrowser, portalLink, preparePortal } from './portal-browser.js';

/** Where a refused save leaves the person: at the first field the API refused, not at a button far below it. */
describe('the portal: saving an endpoint the API refuses', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    preparePortal();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Typo Co');
    ({ browser, page, pageErrors } = await launchPortalBrowser({ viewport: LAPTOP }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  /** The focused element's id, and whether it is on screen. */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      const box = element.getBoundingClientRect();
      return { id: element.id, onScreen: box.top >= 0 && box.bottom <= window.innerHeight };
    });

  it('moves the focus to the refused field, with its message beside it, for the URL and then the filter', async () => {
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill('ftp://files.example.com/hooks');
    await page.locator('input[type=checkbox][value="*"]').check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#url-error', { hasText: 'must be an http(s) URL' }).waitFor();
    expect(await focused()).toEqual({ id: 'url', onScreen: true });
    expect(await page.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/hooks');
    await page.getByLabel('Filter (optional)').fill('{"data.amount": {"$gtt": 100}}');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('#filter-error', { hasText: 'data.amount.$gtt' }).waitFor();
    expect(await focused()).toEqual({ id: 'filter', onScreen: true });
    expect(pageErrors).toEqual([]);
  });
});
