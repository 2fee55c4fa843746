import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Route } from 'playwright-core';
import { waitFor } from '../../../test/wait.js';
import { portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/** A busy API's answer that says when to come back: `retryAfter` is the header as sent (seconds or an HTTP date). */
function fulfillRetryAfter(route: Route, status: 429 | 503, retryAfter: string): Promise<void> {
  return route.fulfill({
    status,
    contentType: 'application/json',
    headers: { 'retry-after': retryAfter },
    body: JSON.stringify({ error: 'busy', code: status === 429 ? 'rate_limited' : 'unavailable' }),
  });
}

/** The portal's reads after a 429 or 503 wait at least what Retry-After says (apps/portal/src/backoff.ts). */
describe('the portal honours Retry-After', () => {
  const portal = usePortalSuite({ tenant: 'Patient Co' });
  let endpointId: string;

  beforeAll(async () => {
    const created = await portal.fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, portal.tenant.api_key);
    expect(created.status).toBe(201);
    endpointId = created.body.id as string;
  }, 60_000);

  it('reads an endpoint row’s statistics again no sooner than Retry-After, in seconds or as an HTTP date', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    const reads: number[] = [];
    await page.route('**/v1/subscriptions/*/stats', async (route) => {
      reads.push(Date.now());
      if (reads.length === 1) return fulfillRetryAfter(route, 429, '3');
      if (reads.length === 2) return fulfillRetryAfter(route, 503, new Date(Date.now() + 3000).toUTCString());
      return route.continue();
    });
    await page.goto(await portalLink(fleet, tenant.api_key));
    const attempts = page.locator(`[data-endpoint="${endpointId}"] [data-stat="attempts"]`);
    await waitFor(async () => (await attempts.textContent()) === '0', { timeoutMs: 15_000, message: 'the row’s statistics' });

    expect(reads).toHaveLength(3);
    const [first, second, third] = reads as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(3000);
    // An HTTP date has whole seconds: "3 s from now" is at least 2 s from when the page reads it.
    expect(third - second).toBeGreaterThanOrEqual(2000);
    await page.unroute('**/v1/subscriptions/*/stats');
    expect(pageErrors).toEqual([]);
  });

  it('reads a replay’s progress again no sooner than Retry-After, and says when it will', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);
    await page.getByRole('heading', { name: 'Recover and replay' }).waitFor();
    const reads: number[] = [];
    await page.route('**/v1/operations/**', async (route) => {
      reads.push(Date.now());
      return reads.length === 1 ? fulfillRetryAfter(route, 503, '2') : route.continue();
    });
    await page.getByRole('button', { name: 'Replay events' }).click();
    await page.getByText('Try again in 2 s.').waitFor();
    await page.locator('[data-testid="operation"][data-status="done"]').waitFor({ timeout: 15_000 });

    const [first, second] = reads as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(2000);
    expect(pageErrors).toEqual([]);
  });

  it('holds an endpoint page’s own refresh while a Retry-After runs', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.locator(`[data-endpoint="${endpointId}"] [data-stat="attempts"]`, { hasText: /^\d+$/ }).waitFor();
    // The page reads its statistics when it opens and every 4 s after; the first read is told to come back in 6 s.
    const reads: number[] = [];
    await page.route('**/v1/subscriptions/*/stats', async (route) => {
      reads.push(Date.now());
      return reads.length === 1 ? fulfillRetryAfter(route, 429, '6') : route.continue();
    });
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);
    await waitFor(() => reads.length >= 2, { timeoutMs: 15_000, message: 'the statistics read again' });
    const [first, second] = reads as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(6000);
    await page.unroute('**/v1/subscriptions/*/stats');
    expect(pageErrors).toEqual([]);
  });
});
