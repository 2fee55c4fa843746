import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { createEndpoint, LAPTOP, openEndpointForm, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe('the portal: signature scheme and public signing keys', () => {
  const portal = usePortalSuite({ tenant: 'Signed Co', receiver: () => ({ status: 200 }), browser: { viewport: LAPTOP } });

  let endpointId = '';
  it('creates a v1a endpoint, shows the tenant\'s public keys, and its test event arrives signed v1a', async () => {
    const { fleet, tenant, receiver, page } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await openEndpointForm(page, receiver.url('/signed'));
    await page.getByLabel('Signature scheme').selectOption('v1a');
    endpointId = await createEndpoint(page);
    expect((await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.signature).toBe('v1a');
    const published = (await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`, undefined, null)).body.keys as Array<{ kid: string }>;
    const panel = page.getByTestId('signing-keys');
    await panel.getByText(published[0]?.kid ?? '-').waitFor();
    expect(await panel.textContent()).toContain('current');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByTestId('test-result').waitFor();
    const arrived = await waitFor(() => receiver.forPath('/signed')[0], { message: 'the test delivery' });
    expect(arrived.headers['webhook-signature']).toMatch(/^v1a,/);
    expect(arrived.headers['webhook-key-id']).toBe(published[0]?.kid);
  });

  it('shows a rotated-out key as previous, and switches the endpoint back to v1 in its form', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`, undefined, tenant.api_key);
    await page.reload();
    const panel = page.getByTestId('signing-keys');
    await panel.getByText('previous').waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    const scheme = page.getByLabel('Signature scheme');
    await expect(scheme.inputValue()).resolves.toBe('v1a');
    await scheme.selectOption('v1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Send test event' }).waitFor();
    expect((await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.signature).toBe('v1');
    expect(await page.getByTestId('signing-keys').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
