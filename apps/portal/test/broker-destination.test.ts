import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RabbitQueue } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { createEndpoint, LAPTOP, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** The portal shows and edits a RabbitMQ destination; its password is write-only (never on the page, kept when left empty). */
describe('the portal and broker destinations', () => {
  const portal = usePortalSuite({ tenant: 'Brokers Inc', browser: { viewport: LAPTOP } });
  const queue = new RabbitQueue();

  beforeAll(async () => {
    await queue.start();
  }, 60_000);

  afterAll(async () => {
    await queue.close();
  });

  it('creates a RabbitMQ endpoint, shows it without its password, and keeps the password through an edit', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('Deliver to').selectOption('rabbitmq');
    expect(await page.getByLabel('Endpoint URL').isVisible()).toBe(false);
    await page.getByLabel('RabbitMQ URL').fill('amqp://guest@127.0.0.1:5672');
    await page.getByLabel('Broker password').fill('guest');
    await page.getByLabel('Exchange').fill(queue.exchange);
    await page.getByLabel('Routing key').fill('not-yet');
    await page.locator('input[type=checkbox][value="*"]').check();
    const id = await createEndpoint(page);
    const stored = await fleet.call('GET', `/v1/subscriptions/${id}`, undefined, tenant.api_key);
    expect(stored.body.destination).toEqual({ type: 'rabbitmq', url: 'amqp://guest:***@127.0.0.1:5672', exchange: queue.exchange, routing_key: 'not-yet' });
    await page.getByRole('heading', { name: `RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / not-yet` }).waitFor();

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(page.getByLabel('RabbitMQ URL').inputValue()).resolves.toBe('amqp://guest@127.0.0.1:5672');
    await expect(page.getByLabel('Broker password').inputValue()).resolves.toBe('');
    await page.getByText('a password is stored: leave empty to keep it').waitFor();
    await page.getByLabel('Routing key').fill(queue.routingKey);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: `RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / ${queue.routingKey}` }).waitFor();
    expect(await page.content()).not.toContain('guest:guest');

    // The kept password still logs in: a delivery arrives in the queue.
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.paid', data: { n: 1 } })).status).toBe(202);
    await waitFor(() => queue.messages.length === 1, { message: 'the delivery in the queue' });
    await page.goto(`${fleet.api.url}/portal/`);
    await page.getByText(`RabbitMQ amqp://guest:***@127.0.0.1:5672 → ${queue.exchange} / ${queue.routingKey}`).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
