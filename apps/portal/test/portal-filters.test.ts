import { beforeAll, describe, expect, it } from '@jest/globals';
import { createEndpoint, LAPTOP, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe('the portal: an endpoint’s filter and the event types’ schemas', () => {
  const portal = usePortalSuite({ tenant: 'Filters Inc', browser: { viewport: LAPTOP } });

  beforeAll(async () => {
    const schema = { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } };
    const registered = await portal.fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'order.paid', description: 'An order was paid', schema });
    expect(registered.status).toBe(201);
  }, 60_000);

  it('shows a registered type’s schema in the event picker, creates an endpoint with a filter and shows the server’s 400 by path', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
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
    const endpointId = await createEndpoint(page);
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
    await portal.page.waitForURL((url) => !url.pathname.endsWith('/edit'));
    const stored = await portal.fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, portal.tenant.api_key);
    expect(stored.body.filter).toEqual(expected);
  }
});
