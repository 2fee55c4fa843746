import { describe, expect, it } from '@jest/globals';
import { LAPTOP, portalLink } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

const PHONE = { width: 390, height: 844 };

describe('the portal with very long values', () => {
  const portal = usePortalSuite({ tenant: 'Long Values Co', browser: { viewport: LAPTOP } });

  it('keeps an endpoint page as wide as the screen when a header holds a long token, at laptop and phone width', async () => {
    const { fleet, tenant, page } = portal;
    const token = `Bearer ${'eyJhbGciOiJIUzI1NiJ9'.repeat(30)}`;
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: 'http://127.0.0.1:9/hook', events: ['*'], headers: { Authorization: token } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(created.body.id as string)}`);
    const headers = page.locator('[data-option="headers"]');
    await headers.waitFor();
    expect(await headers.textContent()).toBe(`Authorization: ${token}`);

    for (const viewport of [LAPTOP, PHONE]) {
      await page.setViewportSize(viewport);
      const widths = await page.evaluate(() => {
        const options = document.querySelector('[data-options]') as HTMLElement;
        return {
          page: document.documentElement.scrollWidth,
          screen: document.documentElement.clientWidth,
          options: options.scrollWidth,
          optionsBox: options.clientWidth,
        };
      });
      // Nothing scrolls sideways: the value wraps inside its card.
      expect({ viewport, page: widths.page, options: widths.options }).toEqual({ viewport, page: widths.screen, options: widths.optionsBox });
    }
  });

  it('keeps a failed delivery’s event and Retry button in view when its last error is a long sentence, at laptop and phone width', async () => {
    const { fleet, tenant, page } = portal;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/refused', events: ['*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const endpointId = created.body.id as string;
    const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.created', id: 'order-1', data: {} });
    expect(published.status).toBe(202);
    await page.setViewportSize(LAPTOP);
    await page.goto(`${fleet.api.url}/portal/endpoints/${encodeURIComponent(endpointId)}`);
    // The last answer is "Could not connect to http://127.0.0.1:9: connection refused", shown in the row's summary.
    const retry = page.getByRole('button', { name: 'Retry now' });
    await retry.waitFor({ timeout: 15_000 });

    for (const viewport of [LAPTOP, PHONE]) {
      await page.setViewportSize(viewport);
      const layout = await page.evaluate(() => {
        const row = document.querySelector('[data-delivery]') as HTMLElement;
        const type = row.querySelector('[data-field="event-type"]') as HTMLElement;
        const button = row.querySelector('button') as HTMLElement;
        const panel = row.closest('.panel') as HTMLElement;
        return {
          typeShown: type.clientWidth > 0 && type.scrollWidth <= type.clientWidth,
          buttonInsidePanel: button.getBoundingClientRect().right <= panel.getBoundingClientRect().right,
          buttonOnOneLine: button.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(button).lineHeight),
        };
      });
      expect({ viewport, ...layout }).toEqual({ viewport, typeShown: true, buttonInsidePanel: true, buttonOnOneLine: true });
    }
  });
});
