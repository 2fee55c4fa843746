import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/wait.js';
import { BUSY_ANSWERS, fulfillBusy, portalLink, type BusyAnswer } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

describe('the portal: endpoint statistics after a 429 or 503', () => {
  const portal = usePortalSuite({ tenant: 'Stats Co' });

  it('reads each row again, no sooner than Retry-After, shows its stats once the API recovers, and leaves a lasting refusal alone', async () => {
    const { fleet, tenant, page, pageErrors } = portal;
    // A full page: every row asks for its statistics at once.
    const ids: string[] = [];
    for (let index = 0; index < 50; index++) {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: `http://127.0.0.1:9/hook-${index}`, events: ['*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
    const gone = ids[0]!;

    // Each row's first two reads meet a busy API (as under load, or past the tenant's rate limit); one row's
    // endpoint answers 404 every time, which asking again cannot change.
    const reads = new Map<string, number[]>();
    await page.route('**/v1/subscriptions/*/stats', async (route) => {
      const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/').at(-2)!);
      const times = reads.get(id) ?? [];
      times.push(Date.now());
      reads.set(id, times);
      const answer: BusyAnswer | undefined = id === gone ? { status: 404, code: 'not_found' } : BUSY_ANSWERS[times.length - 1];
      if (!answer) return route.continue();
      return fulfillBusy(route, answer);
    });

    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await waitFor(async () => (await page.locator('[data-stat="attempts"]', { hasText: /^\d+$/ }).count()) === ids.length - 1, {
      timeoutMs: 15_000,
      message: 'every row but the 404 one showing its stats',
    });

    for (const id of ids.slice(1)) {
      const card = page.locator(`[data-endpoint="${id}"]`);
      expect(await card.locator('[data-stat="attempts"]').textContent()).toBe('0');
      expect(await card.getByText('Statistics are not available right now.').count()).toBe(0);
      // Refused twice, then answered: three reads, not at once, each wait at least the answer's `Retry-After: 1`
      // (backoff.ts; how the waits grow is table-tested in src/backoff.test.ts).
      const [first, second, third] = reads.get(id)!;
      expect(reads.get(id)).toHaveLength(3);
      expect(second! - first!).toBeGreaterThanOrEqual(1000);
      expect(third! - second!).toBeGreaterThanOrEqual(1000);
    }
    // A 404 is not transient: read once, and the row says so.
    expect(reads.get(gone)).toHaveLength(1);
    expect(await page.locator(`[data-endpoint="${gone}"]`).getByText('Statistics are not available right now.').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
