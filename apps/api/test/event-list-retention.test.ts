import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

// docs/contract.md, "Operations": a window that starts before the retention is a 400 that says so.
describe('GET /v1/events and the retention', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_EVENT_RETENTION_HOURS: '24' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
  });

  it('refuses a since before the retention, naming since', async () => {
    const response = await fleet.call('GET', '/v1/events?since=3d', undefined, tenant.api_key);
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([expect.objectContaining({ path: 'since', message: expect.stringContaining('24 h') })]);
  });

  it('answers a since within it', async () => {
    const response = await fleet.call('GET', '/v1/events?since=23h', undefined, tenant.api_key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: [], next_cursor: null });
  });
});
