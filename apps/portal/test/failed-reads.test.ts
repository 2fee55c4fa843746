import { describe, expect, it } from '@jest/globals';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** An endpoint page whose statistics and backlog reads keep failing: it says so, and no spinner turns for ever. */
describe('the portal: an endpoint page whose panels cannot be read', () => {
  const portal = usePortalSuite({ tenant: 'Broken Reads Co' });

  it('shows why the statistics and the backlog are missing instead of loading them for ever', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    await page.route(/\/v1\/subscriptions\/[^/]+\/(stats|backlog)$/, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal error', code: 'internal' }) }),
    );
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);

    const stats = page.locator('section', { has: page.getByRole('heading', { name: 'Last 24 hours' }) });
    const backlog = page.locator('section', { has: page.getByRole('heading', { name: 'Waiting to be fetched' }) });
    await stats.getByText('The statistics could not be loaded.').waitFor();
    await backlog.getByText('The backlog could not be loaded.').waitFor();
    expect(await stats.locator('.spinner').count()).toBe(0);
    expect(await backlog.locator('.spinner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('says the event catalogue could not be loaded, and no longer that it is loading, when the catalogue fails', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await page.route(/\/v1\/event-types(\?|$)/, (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: 'internal error', code: 'internal' }) }),
    );
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/new`);
    await page.getByText('The event catalogue could not be loaded.').waitFor();
    expect(await page.getByText('Loading the event catalogue…').count()).toBe(0);
    // Event types can still be typed by hand.
    expect(await page.getByLabel('Other event types or patterns').isEditable()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
