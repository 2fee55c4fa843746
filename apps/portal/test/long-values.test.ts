import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { LAPTOP, launchPortalBrowser, portalLink, preparePortal } from './portal-browser.js';

const PHONE = { width: 390, height: 844 };

describe('the portal with very long values', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    preparePortal();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Long Values Co');
    ({ browser, page } = await launchPortalBrowser({ viewport: LAPTOP }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('keeps an endpoint page as wide as the screen when a header holds a long token, at laptop and phone width', async () => {
    const token = `Bearer ${'eyJhbGciOiJIUzI1NiJ9'.repeat(30)}`;
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: 'http://127.0.0.1:9/hook', events: ['*'], headers: { Authorization: token } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(created.body.id as string)}`);
    const headers = page.locator('[data-option="headers"]');
    await headers.waitFor();
    expect(await headers.textContent()).toBe(`Authorization: ${token}`);

    for (const viewport of [LAPTOP, PHONE]) {
      await page.setViewportSize(viewport);
      const widths = await page.evaluate(() => {
        const options = document.querySelector('[data-options]') as HTMLElement;
        return {
          page: document.documentElement.scrollWidth,
          screen: document.documentElement.clientWidth,
          options: options.scrollWidth,
          optionsBox: options.clientWidth,
        };
      });
      // Nothing scrolls sideways: the value wraps inside its card.
      expect({ viewport, page: widths.page, options: widths.options }).toEqual({ viewport, page: widths.screen, options: widths.optionsBox });
    }
  });
});
