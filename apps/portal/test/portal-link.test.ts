import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/**
 * A portal link opened where the portal already shows (pasted into the address bar of its tab): only the fragment
 * differs, so the browser does not load the page again; the link must still be exchanged and leave the address bar.
 */
describe('a portal link opened in a tab that already shows the portal', () => {
  const portal = usePortalSuite({ tenant: 'Two Links Ltd' });

  it('takes over: its token leaves the address bar and its own scope applies', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const create = async (path: string) =>
      (await fleet.call('POST', '/v1/subscriptions', { url: `http://127.0.0.1:9/${path}`, events: ['*'] }, tenant.api_key)).body.id as string;
    const first = await create('first');
    const second = await create('second');
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.locator(`[data-endpoint="${first}"]`).waitFor();
    await page.locator(`[data-endpoint="${second}"]`).waitFor();

    const narrowed = await portalLink(fleet, tenant.api_key, { subscriptions: [second] });
    await page.goto(narrowed);
    await waitFor(() => !page.url().includes('token='), { message: 'the token taken out of the address bar' });
    await waitFor(async () => (await page.locator('[data-endpoint]').count()) === 1, { message: 'only the endpoint of the new link' });
    expect(await page.locator(`[data-endpoint="${second}"]`).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Add endpoint' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
