import { beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

const KEPT = Array.from({ length: 5 }, (_, index) => `kept-${String(index + 1).padStart(2, '0')}`);
const REFUSED = Array.from({ length: 30 }, (_, index) => `refused-${String(index + 1).padStart(2, '0')}`);

/** More deliveries than the panel shows at once (25): every one is reachable with Older, the status filter kept. */
describe('the portal: an endpoint’s deliveries, page by page', () => {
  const portal = usePortalSuite({
    tenant: 'Many Deliveries Co',
    receiver: (request) => (request.body.includes('"refuse":true') ? { status: 500, body: 'refused' } : { status: 200 }),
  });
  let endpointId = '';

  const publish = async (ids: string[], refuse: boolean) => {
    const events = ids.map((id) => ({ tenant: portal.tenant.id, profile: 'standard', type: 'order.created', id, data: { refuse } }));
    expect((await portal.fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
  };
  const listed = async (status: string) =>
    (await portal.fleet.call('GET', `/v1/deliveries?subscription=${endpointId}&status=${status}&limit=100`, undefined, portal.tenant.api_key)).body
      .data as unknown[];

  beforeAll(async () => {
    // One attempt each: a refused delivery is dead at once.
    const created = await portal.fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: portal.receiver.url('/orders'), events: ['*'], retry: { delays_seconds: [], max_attempts: 1 } },
      portal.tenant.api_key,
    );
    expect(created.status).toBe(201);
    endpointId = created.body.id as string;
    // The delivered ones first: older than every dead one, they come right after the dead ones in the unfiltered list.
    await publish(KEPT, false);
    await waitFor(async () => (await listed('delivered')).length === KEPT.length, { message: 'the kept events delivered' });
    await publish(REFUSED, true);
    await waitFor(async () => (await listed('dead')).length === REFUSED.length, { timeoutMs: 30_000, message: 'the refused events dead' });
  }, 60_000);

  const panel = () => portal.page.locator('section[aria-labelledby="deliveries-title"]');
  /** The event ids of the page the panel shows, once the page it asked for has arrived. */
  const shownPage = async (pageNumber: number) => {
    await portal.page.locator('[data-field="delivery-page"]', { hasText: `Page ${pageNumber}` }).waitFor();
    await portal.page.locator('section[aria-labelledby="deliveries-title"][aria-busy="false"]').waitFor();
    return panel().locator('[data-delivery] [data-field="event-id"]').allTextContents();
  };
  const older = () => panel().getByRole('button', { name: 'Older' });

  it('reaches every delivery, newest first, with Older, and comes back with Newer', async () => {
    const { page } = portal;
    await page.goto(await portalLink(portal.fleet, portal.tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${portal.fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);

    const first = await shownPage(1);
    expect(first).toHaveLength(25);
    expect(first.every((id) => id.startsWith('refused-'))).toBe(true);
    await older().click();
    const second = await shownPage(2);
    expect(second).toHaveLength(10);
    expect(await older().isDisabled()).toBe(true);
    expect([...first, ...second].sort()).toEqual([...KEPT, ...REFUSED].sort());

    await panel().getByRole('button', { name: 'Newer' }).click();
    expect(await shownPage(1)).toEqual(first);
    expect(portal.pageErrors).toEqual([]);
  });

  it('keeps the status filter on older pages, and a new filter starts from the newest', async () => {
    const { page } = portal;
    await older().click();
    await shownPage(2);
    await panel().getByLabel('Show').selectOption('dead');
    const first = await shownPage(1);
    expect(first).toHaveLength(25);
    await older().click();
    const second = await shownPage(2);
    // Without the filter the second page would go on to the delivered ones.
    expect(second).toHaveLength(5);
    expect([...first, ...second].sort()).toEqual(REFUSED);
    expect(await page.locator('[data-delivery][data-status="dead"]').count()).toBe(5);
    expect(portal.pageErrors).toEqual([]);
  });
});
