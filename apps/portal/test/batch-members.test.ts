import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** A batching endpoint (docs/delivery.md, "Batches"): each attempt of a delivery names the events sent with it. */
describe('the portal: a delivery sent in a batch', () => {
  const portal = usePortalSuite({ tenant: 'Batch Co', receiver: () => ({ status: 500, body: 'batch refused' }) });

  it('lists the other events of the request under each attempt', async () => {
    const { fleet, tenant, receiver, page, pageErrors } = portal;
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url('/batch'), events: ['*'], batch: { max_events: 3, max_wait_ms: 200 } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    const events = ['order-1', 'order-2', 'order-3'].map((id) => ({ tenant: tenant.id, profile: 'standard', type: 'order.created', id, data: {} }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(() => receiver.requests.length > 0, { message: 'the batch sent' });

    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);
    const row = page.locator('[data-delivery]', { has: page.locator('[data-field="event-id"]', { hasText: 'order-2' }) });
    await row.locator('summary').click();
    const members = row.locator('[data-field="batch-members"]').first();
    await members.waitFor({ timeout: 10_000 });
    const text = (await members.textContent()) ?? '';
    expect(text).toMatch(/^with 2 other events: /);
    expect(text).toContain('order-1');
    expect(text).toContain('order-3');
    expect(text).not.toContain('order-2');
    expect(pageErrors).toEqual([]);
  });
});
