import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { PortalTokens } from '../../api/src/portal/index.js';
import { launchPortalBrowser, preparePortal } from './portal-browser.js';

/** A portal session that runs out while its page stays open, with nobody clicking anything. */
describe('the portal when its session runs out', () => {
  let fleet: TestFleet;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    preparePortal();
    fleet = await startFleet();
    tenant = await fleet.createTenant('Short Session Co');
    ({ browser, page, pageErrors } = await launchPortalBrowser());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
  });

  it('turns the endpoints list into "Your portal session has ended" on its own, without a spinner', async () => {
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
