import { describe, expect, it } from '@jest/globals';
import { LAPTOP, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** Where a refused save leaves the person: at the first field the API refused, not at a button far below it. */
describe('the portal: saving an endpoint the API refuses', () => {
  const portal = usePortalSuite({ tenant: 'Typo Co', browser: { viewport: LAPTOP } });

  /** The focused element's id, and whether it is on screen. */
  const focused = () =>
    portal.page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      const box = element.getBoundingClientRect();
      return { id: element.id, onScreen: box.top >= 0 && box.bottom <= window.innerHeight };
    });

  it('moves the focus to the refused field, with its message beside it, for the URL and then the filter', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
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
