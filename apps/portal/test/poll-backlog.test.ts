import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe("a poll endpoint's page in the portal", () => {
  const portal = usePortalSuite({ tenant: 'Pull Co' });

  it('shows the backlog and how long it waited, and the portal session fetches and empties it, and an edit without a URL keeps it a pull endpoint', async () => {
    const { fleet, tenant, page } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['pull.*'] }, tenant.api_key);
    const subscriptionId = created.body.id as string;
    for (const id of ['p-1', 'p-2', 'p-3']) await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'pull.made', id, data: { id } });
    const backlog = async () => (await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/backlog`, undefined, tenant.api_key)).body as { messages: number };
    await waitFor(async () => (await backlog()).messages === 3, { message: 'three messages handed over' });

    const link = await portalLink(fleet, tenant.api_key, { subscriptions: [subscriptionId] });
    await page.goto(link);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(subscriptionId)}`);
    await page.getByRole('heading', { name: 'Waiting to be fetched' }).waitFor();
    await page.getByRole('heading', { name: 'Pull endpoint (fetched by its subscriber)' }).waitFor();
    await waitFor(async () => (await page.locator('[data-stat="poll-backlog"]').textContent()) === '3', { message: 'the backlog of 3 shown' });
    expect(await page.locator('[data-stat="poll-lag"]').textContent()).not.toBe('none waiting');

    // The subscriber may fetch with its portal session: read everything, then acknowledge it.
    const token = decodeURIComponent(link.split('#token=')[1] ?? '');
    const asSubscriber = { 'x-hookfleet-portal': '1' };
    const first = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/messages?limit=10`, undefined, token, asSubscriber);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(3);
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/messages?after=${first.body.next}`, undefined, token, asSubscriber)).status).toBe(200);
    await waitFor(async () => (await page.locator('[data-stat="poll-backlog"]').textContent()) === '0', { message: 'the emptied backlog shown', timeoutMs: 30_000 });
    expect(await page.locator('[data-stat="poll-lag"]').textContent()).toBe('none waiting');

    // Edited without a URL, it stays a pull endpoint.
    await page.getByRole('link', { name: 'Edit' }).click();
    // The form says where it delivers: nowhere, the subscriber fetches; no URL to fill in.
    await waitFor(async () => (await page.getByLabel('Deliver to').inputValue()) === 'poll', { message: 'the pull destination chosen' });
    expect(await page.getByLabel('Endpoint URL').isVisible()).toBe(false);
    await page.getByLabel('Description (optional)').fill('Pulled by the ledger');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Pulled by the ledger').waitFor();
    const stored = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ description: 'Pulled by the ledger', destination: { type: 'poll' } });
  });

  it('offers no test event on a poll endpoint: nothing is sent to it', async () => {
    const { fleet, tenant, page } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['pull.*'] }, tenant.api_key);
    await page.goto(await portalLink(fleet, tenant.api_key, { subscriptions: [created.body.id] }));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(created.body.id as string)}`);
    await page.getByRole('heading', { name: 'Waiting to be fetched' }).waitFor();
    await page.getByRole('heading', { name: 'Signing secret' }).waitFor();
    expect(await page.getByRole('button', { name: 'Send test event' }).count()).toBe(0);
  });
});
