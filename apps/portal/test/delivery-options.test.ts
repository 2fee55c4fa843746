import { describe, expect, it } from '@jest/globals';
import { createEndpoint, openEndpointForm, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe("the portal shows and edits an endpoint's headers, retries, timeout and batch", () => {
  const portal = usePortalSuite({ tenant: 'Options Inc', receiver: () => ({ status: 200 }) });

  let endpointId = '';
  it('creates an endpoint with its own options, and the endpoint page lists them', async () => {
    const { fleet, tenant, receiver, page } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await openEndpointForm(page, receiver.url('/hook'));
    await page.getByLabel('Headers').fill('X-Env: prod\nX-Team: billing');
    await page.getByLabel('Retry delays (seconds)').fill('10, 300');
    await page.getByLabel('Timeout (ms)').fill('5000');
    await page.getByLabel('Batch size').fill('50');
    await page.getByLabel('Batch wait (ms)').fill('200');
    endpointId = await createEndpoint(page);
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({
      headers: { 'X-Env': 'prod', 'X-Team': 'billing' },
      retry: { delays_seconds: [10, 300], max_attempts: 3 },
      timeout_ms: 5000,
      batch: { max_events: 50, max_wait_ms: 200 },
    });
    await expect(page.locator('[data-option=headers]').textContent()).resolves.toBe('X-Env: prod; X-Team: billing');
    await expect(page.locator('[data-option=retry]').textContent()).resolves.toContain('10s, 300s; 3 attempts');
    await expect(page.locator('[data-option=timeout]').textContent()).resolves.toBe('5000 ms');
    await expect(page.locator('[data-option=batch]').textContent()).resolves.toContain('up to 50 events');
  });

  it('shows a reserved header refused at its field, and clears the options back to the defaults', async () => {
    const { fleet, tenant, page } = portal;
    await page.getByRole('link', { name: 'Edit' }).click();
    const headers = page.getByLabel('Headers');
    await expect(headers.inputValue()).resolves.toBe('X-Env: prod\nX-Team: billing');
    await headers.fill('Content-Type: text/plain');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.locator('.field-error').first().textContent()).resolves.toContain('written by the delivery');
    await headers.fill('');
    await page.getByLabel('Retry delays (seconds)').fill('');
    await page.getByLabel('Attempts in all').fill('');
    await page.getByLabel('Timeout (ms)').fill('');
    await page.getByLabel('Batch size').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-option=batch]').getByText('one event a request').waitFor();
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ headers: {}, retry: null, timeout_ms: null, batch: null });
  });

  it('shows each refused option under its own field, and a negative number is judged as a number', async () => {
    const { page } = portal;
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Retry delays (seconds)').fill('10, 300');
    await page.getByLabel('Attempts in all').fill('0');
    await page.getByLabel('Batch size').fill('50');
    await page.getByLabel('Batch wait (ms)').fill('-5');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const errorOf = (label: string) => page.locator('div.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-error');
    await errorOf('Attempts in all').getByText('must be at least 1').waitFor({ timeout: 5000 });
    await errorOf('Batch wait (ms)').getByText('must be at least 0').waitFor({ timeout: 5000 });
    // Each message at its own field only: the delays and the batch size were fine.
    expect(await errorOf('Retry delays (seconds)').count()).toBe(0);
    expect(await errorOf('Batch size').count()).toBe(0);
    expect(await page.getByText('not a string').count()).toBe(0);
  });
});
