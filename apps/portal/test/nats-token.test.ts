import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { waitFor } from '../../../test/wait.js';
import { createEndpoint, LAPTOP, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';
import { TokenNatsServer } from './token-nats-server.js';

/** Saves the edit form and returns the `destination` it sent: what the form made of its fields, before the API keeps any `***`. */
async function savedDestination(page: Page): Promise<{ servers: string[] }> {
  const request = page.waitForRequest((sent) => sent.method() === 'PATCH' && /\/v1\/subscriptions\/[^/]+$/.test(new URL(sent.url()).pathname));
  await page.getByRole('button', { name: 'Save changes' }).click();
  return (await request).postDataJSON().destination;
}

/**
 * A NATS destination whose credential is a token alone (`nats://token@host`): the portal sets it, shows it as stored,
 * replaces it and keeps it. Before, a token typed in the form was dropped on create and sent as the password of a user
 * `***` on edit (the broker refused it), and the edit form showed the masked `***@` in the address.
 */
describe('the portal and a NATS destination with a token', () => {
  const portal = usePortalSuite({ tenant: 'Token Co', browser: { viewport: LAPTOP } });
  const nats = new TokenNatsServer('right-token');
  let endpointId = '';

  beforeAll(async () => {
    await nats.start();
  }, 60_000);

  afterAll(async () => {
    await nats.stop();
  });

  const storedServers = async () =>
    (await portal.fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, portal.tenant.api_key)).body.destination.servers as string[];
  const publish = async () =>
    expect((await portal.fleet.call('POST', '/v1/events', { tenant: portal.tenant.id, profile: 'standard', type: 'order.paid', data: {} })).status).toBe(202);

  it('creates a NATS endpoint with a token alone: the token is stored, shown as ***', async () => {
    const { page } = portal;
    await page.goto(await portalLink(portal.fleet, portal.tenant.api_key));
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Deliver to').selectOption('nats');
    await page.getByLabel('NATS servers').fill(nats.address);
    await page.getByText('a token, or the password of a user named in the address').waitFor();
    // Not the server's token yet: the edit below replaces it.
    await page.getByLabel('Token or password').fill('stale-token');
    await page.getByLabel('Subject').fill(nats.subject);
    await page.locator('input[type=checkbox][value="*"]').check();
    endpointId = await createEndpoint(page);
    expect(await storedServers()).toEqual([`nats://***@127.0.0.1:${nats.port}`]);
    expect(await page.content()).not.toContain('stale-token');
  });

  it('edits it without the mask in the address, and a new token replaces the stored one: the delivery gets in', async () => {
    const { page } = portal;
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('NATS servers').inputValue()).resolves.toBe(nats.address);
    await expect(page.getByLabel('Token or password').inputValue()).resolves.toBe('');
    await page.getByText('a token is stored: leave empty to keep it').waitFor();
    await page.getByLabel('Token or password').fill('right-token');
    expect(await savedDestination(page)).toMatchObject({ servers: [`nats://right-token@127.0.0.1:${nats.port}`] });
    await page.getByRole('heading', { name: `NATS nats://***@127.0.0.1:${nats.port} → ${nats.subject}` }).waitFor();

    await publish();
    await waitFor(async () => (await nats.messageCount()) === 1, { message: 'the delivery in the stream, with the new token' });
  });

  it('keeps the stored token through an edit that leaves the field empty', async () => {
    const { page } = portal;
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description (optional)').fill('Ledger stream');
    expect(await savedDestination(page)).toMatchObject({ servers: [`nats://***@127.0.0.1:${nats.port}`] });
    await page.getByText('Ledger stream').waitFor();
    expect(await storedServers()).toEqual([`nats://***@127.0.0.1:${nats.port}`]);

    await publish();
    await waitFor(async () => (await nats.messageCount()) === 2, { message: 'the second delivery in the stream, with the kept token' });
    expect(await page.content()).not.toContain('right-token');
    expect(portal.pageErrors).toEqual([]);
  });
});
