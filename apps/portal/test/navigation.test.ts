import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** Moving between the portal's pages with the keyboard: each page names itself and takes the focus. */
describe('the portal: going from page to page', () => {
  const portal = usePortalSuite({ tenant: 'Keyboard Co' });

  /** The document's title and the focused element's tag, once the title is `title`. */
  const arrivedAt = async (title: string) => {
    await waitFor(async () => (await portal.page.title()) === title, { timeoutMs: 5000, message: `the title ${title}` });
    return portal.page.evaluate(() => document.activeElement?.tagName);
  };

  it('gives every page its own title and starts the focus on the new page, forward and back', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/keyboard', events: ['*'] }, tenant.api_key);
    const endpointId = created.body.id as string;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(await page.title()).toBe('Endpoints · hookfleet');

    // The keyboard way: focus the endpoint's link, press Enter.
    await page.getByRole('link', { name: 'http://127.0.0.1:9/keyboard' }).focus();
    await page.keyboard.press('Enter');
    expect(await arrivedAt(`Endpoint ${endpointId} · hookfleet`)).toBe('MAIN');

    await page.getByRole('link', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    expect(await arrivedAt(`Edit endpoint ${endpointId} · hookfleet`)).toBe('MAIN');

    await page.goBack();
    expect(await arrivedAt(`Endpoint ${endpointId} · hookfleet`)).toBe('MAIN');
    // The next Tab, once the page has loaded, goes on from the top of the page, not from the link that went away.
    await page.getByRole('link', { name: 'Edit' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('keeps a delivery’s Retry button out of its disclosure, reachable by Tab and pressed with Enter', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/refused', events: ['*'] }, tenant.api_key);
    const endpointId = created.body.id as string;
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.created', id: 'order-9', data: {} })).status).toBe(
      202,
    );
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);
    const row = page.locator('[data-delivery]').first();
    await row.getByRole('button', { name: 'Retry now: order-9' }).waitFor({ timeout: 15_000 });
    // A control inside the summary (itself a button) is one a screen reader does not reach as a control.
    expect(await row.locator('summary button').count()).toBe(0);

    const retries: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/retry')) retries.push(request.url());
    });
    await row.locator('summary').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Retry now: order-9');
    await page.keyboard.press('Enter');
    await waitFor(() => retries.length === 1, { message: 'the retry sent' });
    expect(await row.locator('details').evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
