import { describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN } from '../../../test/fleet.js';
import { PortalTokens } from '../../api/src/portal/index.js';
import { usePortalSuite } from './portal-suite.js';

/** A portal session that runs out while its page stays open, with nobody clicking anything. */
describe('the portal when its session runs out', () => {
  const portal = usePortalSuite({ tenant: 'Short Session Co' });

  it('turns the endpoints list into "Your portal session has ended" on its own, without a spinner', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    // The shortest link there is (60 s), minted 56 s ago: it runs out about 4 s after the page opens.
    const { token, expiresAt } = new PortalTokens(ADMIN_TOKEN).mint({ tenantId: tenant.id, subscriptionIds: null, createdBy: null }, 60, Date.now() - 56_000);
    await page.goto(`${fleet.api.url}/portal/#token=${token}`);
    await page.locator(`[data-endpoint="${created.body.id as string}"]`).waitFor();
    expect(Date.now()).toBeLessThan(expiresAt.getTime());

    // The endpoints list asks the API nothing more after it loads: only the session's end can change the page.
    await page.getByRole('heading', { name: 'Your portal session has ended' }).waitFor({ timeout: 15_000 });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(await page.locator('[data-endpoint]').count()).toBe(0);
    expect(await page.locator('.spinner').count()).toBe(0);
    expect(await page.getByText('Open a new portal link to go on.').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
