import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

/** A path a provider serves, asked with a method it does not serve: 405 with Allow, in the provider's error style. */
describe('compat routes answer a method a path does not serve with 405 and Allow', () => {
  let fleet: TestFleet;
  let key: string;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    key = (await fleet.createTenant('compat-methods')).api_key;
  });
  afterAll(() => fleet.stop());

  it('Gigapay: the documented answer, {"detail":"Method \\"DELETE\\" not allowed."}', async () => {
    const response = await fleet.call('DELETE', '/gigapay/v2/webhooks/', undefined, null, providerAuth.gigapay(key, 'int-1'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    expect(response.body).toEqual({ detail: 'Method "DELETE" not allowed.' });
    const onOne = await fleet.call('POST', '/gigapay/v2/webhooks/481272/', { url: 'https://example.com/' }, null, providerAuth.gigapay(key, 'int-1'));
    expect(onOne.status).toBe(405);
    expect(onOne.headers.get('allow')).toBe('GET, PATCH, PUT, DELETE, HEAD, OPTIONS');
    expect(onOne.body).toEqual({ detail: 'Method "POST" not allowed.' });
  });

  it('Forecast, Paymo and Hub Planner: 405 in their own error bodies', async () => {
    const forecast = await fleet.call('PATCH', '/forecast/v1/webhook_subscriptions/1', { name: 'x' }, null, providerAuth.forecast(key));
    expect(forecast.status).toBe(405);
    expect(forecast.headers.get('allow')).toBe('GET, PUT, DELETE, HEAD, OPTIONS');
    expect(forecast.body).toEqual({ status: 405, message: 'Method "PATCH" not allowed.' });
    const paymo = await fleet.call('PATCH', '/paymo/api/hooks/1', { event: '*' }, null, providerAuth.paymo(key));
    expect(paymo.status).toBe(405);
    expect(paymo.headers.get('allow')).toBe('GET, PUT, POST, DELETE, HEAD, OPTIONS');
    expect(paymo.body).toEqual({ message: 'Method "PATCH" not allowed.' });
    const hubPlanner = await fleet.call('PUT', '/hubplanner/subscription/448847eea20e6d05bc53a49a', {}, null, providerAuth.hubplanner(key));
    expect(hubPlanner.status).toBe(405);
    expect(hubPlanner.headers.get('allow')).toBe('GET, DELETE, HEAD, OPTIONS');
    expect(hubPlanner.body).toEqual({ error: 'Method "PUT" not allowed.' });
  });

  it('Paybook: a method named by X-Http-Method-Override counts, and the answer keeps the envelope', async () => {
    const response = await fleet.call('POST', '/paybook/v1/webhooks/5d9bab5b8c91e73b2e4c75d3', { url: 'https://example.com/' }, null, {
      ...providerAuth.paybook(key),
      'x-http-method-override': 'PUT',
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, DELETE, HEAD, OPTIONS');
    expect(response.body).toEqual({ rid: expect.any(String), code: 405, errors: null, status: false, message: 'Method "PUT" not allowed.', response: null });
  });

  it('answers OPTIONS with the Allow list, checks credentials first, and keeps 404 for a path no route serves', async () => {
    const options = await fleet.call('OPTIONS', '/gigapay/v2/webhooks/', undefined, null, providerAuth.gigapay(key));
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, POST, HEAD, OPTIONS');
    const anonymous = await fleet.call('DELETE', '/gigapay/v2/webhooks/', undefined, null);
    expect(anonymous.status).toBe(401);
    const unknown = await fleet.call('DELETE', '/gigapay/v2/payouts/', undefined, null, providerAuth.gigapay(key));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Not found.' });
  });
});
