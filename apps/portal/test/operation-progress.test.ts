import { describe, expect, it } from '@jest/globals';
import { BUSY_ANSWERS, fulfillBusy, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe('the portal: the progress of a recover or replay', () => {
  const portal = usePortalSuite({ tenant: 'Progress Co' });

  it('reads the progress again after a 503 and a 429, reaches done, and the buttons work again', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, tenant.api_key);
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(created.body.id as string)}`);
    await page.getByRole('heading', { name: 'Recover and replay' }).waitFor();

    // The API is busy for the first two reads of the progress (as under load, or while Redis fails over).
    let reads = 0;
    await page.route('**/v1/operations/**', async (route) => {
      const answer = BUSY_ANSWERS[reads++];
      if (!answer) return route.continue();
      return fulfillBusy(route, answer);
    });
    await page.getByRole('button', { name: 'Replay events' }).click();

    const operation = page.getByTestId('operation');
    await page.locator('[data-testid="operation"][data-status="done"]').waitFor({ timeout: 15_000 });
    expect(await operation.textContent()).toContain('Done');
    expect(reads).toBeGreaterThan(BUSY_ANSWERS.length);
    // The busy answers' notice goes once the progress is read, and another recover or replay can start.
    expect(await page.getByText('hookfleet could not answer just now').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Recover failed deliveries' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Replay events' }).isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
