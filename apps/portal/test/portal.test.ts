import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { PortalTokens } from '../../api/src/portal/index.js';
import { createEndpoint, LAPTOP, openEndpointForm, portalLink, ROOT } from './portal-browser.js';
import { usePortalSuite } from './portal-suite.js';

/**
 * UPDATE_SCREENSHOTS=1 rewrites the screenshots of docs/api.md in docs/screenshots; otherwise they go to a temporary
 * folder, so a test run leaves the tree as it was (ports and times differ on every run).
 */
const README_SCREENSHOTS = join(ROOT, 'docs/screenshots');
const PHONE = { width: 390, height: 844 };
const SCRIPT_BODY = '<script>window.__portalPwned = 1</script><b>bold?</b>';

/** A port nothing listens on: free a moment ago, closed now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the endpoint portal in a browser', () => {
  let flaky = true;
  const portal = usePortalSuite({
    tenant: 'Acme Payments',
    receiver: (request) => {
      if (request.path === '/flaky') return flaky ? { status: 500, body: 'upstream exploded' } : { status: 200, body: 'ok, got it' };
      if (request.path === '/script') return { status: 500, body: SCRIPT_BODY, headers: { 'content-type': 'text/html' } };
      return { status: 200, body: '{"received":true}', headers: { 'content-type': 'application/json' } };
    },
    // The whole standard retry ladder (≈27.6 h) in about 2 s.
    fleet: { RETRY_DELAY_SCALE: '0.00002' },
    browser: { viewport: LAPTOP },
  });
  let privateFleet: TestFleet;
  const updateScreenshots = Boolean(process.env.UPDATE_SCREENSHOTS);
  let screenshots = README_SCREENSHOTS;

  const publish = async (type: string, id: string) => {
    const response = await portal.fleet.call('POST', '/v1/events', { tenant: portal.tenant.id, profile: 'standard', type, id, data: { id } });
    expect(response.status).toBe(202);
  };
  const deliveriesWith = async (subscriptionId: string, status: string) => {
    const listed = await portal.fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&status=${status}`, undefined, portal.tenant.api_key);
    return listed.body.data as Array<{ id: string }>;
  };
  const shoot = (name: string) => portal.page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    screenshots = updateScreenshots ? README_SCREENSHOTS : mkdtempSync(join(tmpdir(), 'hookfleet-portal-'));
    mkdirSync(screenshots, { recursive: true });
    privateFleet = await startFleet({ HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'false', WORKER_ROLES: 'matcher' });
    portal.page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) portal.pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await privateFleet?.stop();
    // Only the temporary folder: when beforeAll failed before making it, `screenshots` still names the README's own.
    if (!updateScreenshots && screenshots !== README_SCREENSHOTS) rmSync(screenshots, { recursive: true, force: true });
  });

  it('opens the endpoints page from a portal link, and takes the token out of the address bar', async () => {
    const { fleet, tenant, context, page } = portal;
    await page.goto(await portalLink(fleet, tenant.api_key));
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await page.getByText('No endpoints yet').waitFor();
    expect(page.url()).toBe(`${fleet.api.url}/portal/`);
    const cookies = await context.cookies();
    expect(cookies.find((cookie) => cookie.name === 'hookfleet_portal')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  let endpointId = '';
  it('creates an endpoint to a local receiver', async () => {
    const { fleet, tenant, receiver, page } = portal;
    await openEndpointForm(page, receiver.url('/hook'));
    await page.getByLabel('Description (optional)').fill('Orders service');
    endpointId = await createEndpoint(page);
    const stored = await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key);
    expect(stored.body).toMatchObject({ url: receiver.url('/hook'), events: ['*'], description: 'Orders service', active: true });
    expect(await page.content()).not.toContain(stored.body.secret);
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect(page.getByTestId('secret-value').textContent()).resolves.toBe(stored.body.secret);
  });

  it('sends a test event that arrives, and shows the answer', async () => {
    const { receiver, page } = portal;
    await page.getByRole('button', { name: 'Send test event' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Delivered\..*200/);
    const arrived = receiver.forPath('/hook');
    expect(arrived).toHaveLength(1);
    expect(arrived[0]?.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('edits, disables and enables an endpoint, rotates its secret and replays its events', async () => {
    const { fleet, tenant, receiver, page } = portal;
    await page.getByRole('link', { name: 'Edit' }).click();
    const description = page.getByLabel('Description (optional)');
    await expect(description.inputValue()).resolves.toBe('Orders service');
    await description.fill('Orders service (EU)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Orders service (EU)').waitFor();

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('This endpoint receives nothing while it is disabled.').waitFor();
    expect((await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body).toMatchObject({
      active: false,
      disabled_reason: 'manual',
    });
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();

    const before = (await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.secret;
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('The previous secret keeps signing until').waitFor();
    const after = (await fleet.call('GET', `/v1/subscriptions/${endpointId}`, undefined, tenant.api_key)).body.secret;
    expect(after).not.toBe(before);
    expect(await page.getByTestId('secret-value').textContent()).toBe(after);

    await publish('order.created', 'replayed-1');
    await waitFor(() => receiver.forPath('/hook').length === 2, { message: 'the event delivered once' });
    await page.getByRole('button', { name: 'Replay events' }).click();
    await page.getByText('Done: 1 of 1 events replayed').waitFor({ timeout: 20_000 });
    await waitFor(() => receiver.forPath('/hook').length === 3, { message: 'the event replayed' });
    expect(receiver.forPath('/hook')[2]?.headers['webhook-id']).toBe(receiver.forPath('/hook')[1]?.headers['webhook-id']);
  });

  let flakyId = '';
  it('shows the failed attempts of an endpoint that answers 500, then recovers them', async () => {
    const { fleet, tenant, receiver, page } = portal;
    flakyId = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/flaky'), events: ['order.*'], description: 'Billing sync' }, tenant.api_key))
      .body.id;
    for (const id of ['order-1', 'order-2', 'order-3']) await publish('order.paid', id);
    await waitFor(async () => (await deliveriesWith(flakyId, 'dead')).length === 3, { timeoutMs: 30_000, message: 'three dead deliveries' });
    await page.goto(`${fleet.api.url}/portal/endpoints/${flakyId}`);
    await page.getByRole('heading', { name: 'Recent deliveries' }).waitFor();
    await waitFor(async () => (await page.locator('.delivery[data-status="dead"]').count()) === 3, { message: 'three failed rows' });
    await page.locator('.delivery summary').first().click();
    const attempts = page.locator('.delivery details[open] .attempt');
    await waitFor(async () => (await attempts.count()) === 8, { message: 'eight attempts shown' });
    expect(await attempts.first().locator('.code').textContent()).toBe('500');
    expect(await attempts.first().locator('pre').textContent()).toBe('upstream exploded');
    await shoot('portal-endpoint-failing');

    flaky = false;
    await page.getByLabel('Since').selectOption('1h');
    await page.getByRole('button', { name: 'Recover failed deliveries' }).click();
    await page.getByText('Done: 3 of 3 failed deliveries sent again').waitFor({ timeout: 20_000 });
    await waitFor(async () => (await page.locator('.delivery[data-status="delivered"]').count()) === 3, { timeoutMs: 20_000, message: 'three delivered rows' });
    expect(await page.locator('[data-stat="success-ratio"]').textContent()).toMatch(/%$/);
    await shoot('portal-endpoint');
  });

  it('names each delivery’s event in the list: its type, its id and when it came', async () => {
    const { fleet, tenant, page } = portal;
    const listed = (await fleet.call('GET', `/v1/deliveries?subscription=${flakyId}`, undefined, tenant.api_key)).body.data;
    expect(listed).toHaveLength(3);
    for (const delivery of listed) expect(delivery).toMatchObject({ event_type: 'order.paid', event_received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    await page.goto(`${fleet.api.url}/portal/endpoints/${flakyId}`);
    const rows = page.locator('.delivery');
    await waitFor(async () => (await rows.count()) === 3, { message: 'three rows' });
    const shown = await rows.evaluateAll((elements) =>
      elements.map((row) => ({
        type: row.querySelector('[data-field="event-type"]')?.textContent,
        id: row.querySelector('[data-field="event-id"]')?.textContent,
        time: row.querySelector('[data-field="event-time"]')?.textContent,
        at: row.querySelector('[data-field="event-time"]')?.getAttribute('datetime'),
      })),
    );
    expect(shown.map((row) => row.id).sort()).toEqual(['order-1', 'order-2', 'order-3']);
    for (const row of shown) {
      expect(row).toMatchObject({ type: 'order.paid', time: expect.stringMatching(/ago|just now/) });
      expect(listed.map((delivery: { event_received_at: string }) => delivery.event_received_at)).toContain(row.at);
    }
  });

  it('says once, in plain words, why a test delivery got no answer', async () => {
    const { fleet, tenant, page } = portal;
    const closed = `http://127.0.0.1:${await closedPort()}/hook`;
    const deadEnd = (await fleet.call('POST', '/v1/subscriptions', { url: closed, events: ['*'] }, tenant.api_key)).body.id;
    try {
      await page.goto(`${fleet.api.url}/portal/endpoints/${deadEnd}`);
      await page.getByRole('button', { name: 'Send test event' }).click();
      const result = page.getByTestId('test-result');
      await result.waitFor();
      const text = (await result.textContent()) ?? '';
      expect(text).toMatch(new RegExp(`^Not delivered\\. Could not connect to ${closed.replace(/\/hook$/, '').replace(/[.]/g, '\\.')}: connection refused \\(after [^)]+\\)$`));
      expect(text).not.toContain('ECONNREFUSED');
    } finally {
      // The endpoint list further on counts this tenant's endpoints.
      await fleet.call('DELETE', `/v1/subscriptions/${deadEnd}`, undefined, tenant.api_key);
    }
  });

  it('shows a response body that holds <script> as text', async () => {
    const { fleet, tenant, receiver, page } = portal;
    const scriptId = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/script'), events: ['script.*'] }, tenant.api_key)).body.id;
    await publish('script.run', 'script-1');
    await waitFor(async () => (await deliveriesWith(scriptId, 'dead')).length === 1, { timeoutMs: 30_000, message: 'a dead delivery' });
    await page.goto(`${fleet.api.url}/portal/endpoints/${scriptId}`);
    await page.locator('.delivery summary').first().click();
    const body = page.locator('.delivery details[open] .attempt pre').first();
    expect(await body.textContent()).toBe(SCRIPT_BODY);
    expect(await page.locator('.response-body b, .response-body script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __portalPwned?: number }).__portalPwned)).toBeUndefined();
    // One more attempt now, from the page.
    await page.getByRole('button', { name: 'Retry now' }).click();
    await waitFor(() => receiver.forPath('/script').length === 9, { message: 'a ninth attempt' });
    await waitFor(async () => (await page.locator('.delivery details[open] .attempt').count()) === 9, {
      timeoutMs: 15_000,
      message: 'the retried attempt shown',
    });
  });

  it('lists the endpoints with their health over the last 24 h, at laptop and phone width', async () => {
    const { fleet, page, pageErrors } = portal;
    await page.goto(`${fleet.api.url}/portal/`);
    const card = page.locator(`[data-endpoint="${flakyId}"]`);
    await card.waitFor();
    await waitFor(async () => (await card.locator('[data-stat="attempts"]').textContent()) === '27', { message: 'flaky endpoint stats' });
    expect(await card.locator('[data-stat="success-ratio"]').textContent()).toBe('11.1%');
    expect(await card.locator('[data-stat="last-status"] .code').textContent()).toBe('200');
    expect(await page.locator('.endpoint-card').count()).toBe(3);
    await shoot('portal-endpoints');
    await page.setViewportSize(PHONE);
    await shoot('portal-endpoints-phone');
    await page.goto(`${fleet.api.url}/portal/endpoints/${flakyId}`);
    await page.locator('.delivery').first().waitFor();
    await shoot('portal-endpoint-phone');
    await page.setViewportSize(LAPTOP);
    expect(pageErrors).toEqual([]);
  });

  it('opens for a tenant key, and for the operator naming the tenant, from the sign-in form', async () => {
    const { fleet, tenant, browser } = portal;
    for (const [key, tenantId] of [
      [tenant.api_key, ''],
      [ADMIN_TOKEN, tenant.id],
    ]) {
      const fresh = await browser.newContext({ viewport: LAPTOP });
      const signInPage = await fresh.newPage();
      await signInPage.goto(`${fleet.api.url}/portal/`);
      await signInPage.getByRole('heading', { name: 'Open the endpoint portal' }).waitFor();
      await signInPage.getByText('Sign in with an API key').click();
      await signInPage.getByLabel('Tenant API key or operator token').fill(key as string);
      if (tenantId) await signInPage.getByLabel('Tenant id (operators only)').fill(tenantId);
      await signInPage.getByRole('button', { name: 'Open the portal' }).click();
      await signInPage.getByRole('heading', { name: 'Endpoints' }).waitFor();
      await waitFor(async () => (await signInPage.locator('.endpoint-card').count()) === 3, { message: 'three endpoints' });
      const cookie = (await fresh.cookies()).find((entry) => entry.name === 'hookfleet_portal');
      expect(cookie?.value).toMatch(/^hfp_/);
      expect(cookie?.value).not.toContain(key as string);
      await fresh.close();
    }
  });

  it('refuses a private-address URL with the SSRF guard’s answer as a field error', async () => {
    const { context } = portal;
    const guarded = await privateFleet.createTenant('Guarded');
    const privatePage = await context.newPage();
    await privatePage.goto(await portalLink(privateFleet, guarded.api_key));
    await openEndpointForm(privatePage, 'http://127.0.0.1:9/hook');
    await privatePage.getByRole('button', { name: 'Create endpoint' }).click();
    const fieldError = privatePage.locator('#url-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/\S/);
    expect(await privatePage.getByLabel('Endpoint URL').getAttribute('aria-invalid')).toBe('true');
    await privatePage.screenshot({ path: join(screenshots, 'portal-create-refused.png'), fullPage: true });
    expect((await privateFleet.call('GET', `/v1/subscriptions?tenant=${guarded.id}`)).body.data).toEqual([]);
    await privatePage.close();
  });

  it('answers an expired token and another tenant’s token with 401 and shows nothing', async () => {
    const { fleet, tenant, receiver, browser } = portal;
    const tokens = new PortalTokens(ADMIN_TOKEN);
    const expired = tokens.mint({ tenantId: tenant.id, subscriptionIds: null, createdBy: null }, 60, Date.now() - 2 * 3600_000).token;
    const otherTenant = await fleet.createTenant('Other Corp');
    const theirs = new URL(await portalLink(fleet, otherTenant.api_key)).hash.slice('#token='.length);
    const [theirBody, theirSignature] = theirs.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(theirBody.slice(4), 'base64url').toString('utf8'));
    // Another tenant's token made to name this tenant: its signature no longer matches.
    const retargeted = `hfp_${Buffer.from(JSON.stringify({ ...claims, tid: tenant.id })).toString('base64url')}.${theirSignature}`;
    const otherFleet = new PortalTokens('another-fleet').mint({ tenantId: tenant.id, subscriptionIds: null, createdBy: null }).token;

    for (const [name, token] of [
      ['expired', expired],
      ['retargeted', retargeted],
      ['other-fleet', otherFleet],
    ] as const) {
      const fresh = await browser.newContext({ viewport: LAPTOP });
      const anonymous = await fresh.newPage();
      const exchange = anonymous.waitForResponse((response) => response.url().endsWith('/portal/session') && response.request().method() === 'POST');
      await anonymous.goto(`${fleet.api.url}/portal/#token=${token}`);
      expect({ name, status: (await exchange).status() }).toEqual({ name, status: 401 });
      await anonymous.getByRole('heading', { name: 'This portal link has expired or is not valid' }).waitFor();
      const text = (await anonymous.textContent('body')) ?? '';
      expect(text).not.toContain(receiver.url('/hook'));
      expect(text).not.toContain('Acme Payments');
      expect(await fresh.cookies()).toEqual([]);
      if (name === 'expired') await anonymous.screenshot({ path: join(screenshots, 'portal-link-expired.png') });
      await fresh.close();
    }
    // The other tenant's own, valid link opens its own portal, where this tenant's endpoint does not exist.
    const theirContext = await browser.newContext({ viewport: LAPTOP });
    const theirPage = await theirContext.newPage();
    await theirPage.goto(`${fleet.api.url}/portal/#token=${theirs}`);
    await theirPage.getByText('No endpoints yet').waitFor();
    await theirPage.goto(`${fleet.api.url}/portal/endpoints/${endpointId}`);
    await theirPage.getByText('This endpoint could not be shown.').waitFor();
    expect((await theirPage.textContent('body')) ?? '').not.toContain(receiver.url('/hook'));
    await theirContext.close();
  });
});
