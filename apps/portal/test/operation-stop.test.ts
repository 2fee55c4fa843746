import { describe, expect, it } from '@jest/globals';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

// A replay started on the wrong window can be stopped from the portal (POST /v1/operations/:id/cancel). Before, the
// panel had no way to stop it, and an operation stopped elsewhere froze its progress as if it still ran.
describe('the portal: stopping a recover or replay', () => {
  // No operations worker: the replay stays running until it is stopped.
  const portal = usePortalSuite({ tenant: 'Stop Co', fleet: { WORKER_ROLES: 'delivery' } });

  it('stops a running replay, says how far it got, and lets another start', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, tenant.api_key);
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(created.body.id as string)}`);
    await page.getByRole('heading', { name: 'Recover and replay' }).waitFor();

    await page.getByRole('button', { name: 'Replay events' }).click();
    await page.locator('[data-testid="operation"][data-status="running"]').waitFor();
    await page.getByRole('button', { name: 'Stop the replay' }).click();
    await page.locator('[data-testid="operation"][data-status="canceled"]').waitFor();
    expect(await page.getByTestId('operation').textContent()).toContain('Stopped');
    const listed = await fleet.call('GET', `/v1/subscriptions/${created.body.id as string}/operations`, undefined, tenant.api_key);
    expect(listed.body.data[0]).toMatchObject({ kind: 'replay', status: 'canceled' });
    expect(await page.getByRole('button', { name: 'Stop the replay' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Replay events' }).isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
