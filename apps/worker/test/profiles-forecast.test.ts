import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { forecastProfile } from '@hookfleet/profiles';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from '../../api/test/compat-auth.js';
import { forecastSampleWebhook } from '../../../packages/profiles/src/forecast/fixtures.js';
import { expectCommonHeaders, expectGapsFollowLadder, gapsOf, headerOf, publish, waitForDeliveryStatus } from './profile-harness.js';

// Forecast's 1, 2, 3, 5 and 10 minutes (21 in all): at this scale 30, 60, 90, 150 and 300 ms.
const SCALE = 0.0005;

describe('Forecast deliveries on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => {
      if (request.path === '/down') return { status: 503 };
      if (request.path === '/moved') return { status: 301, headers: { location: 'https://elsewhere.example/' } };
      return { status: 200 };
    }).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE) });
    tenant = await fleet.createTenant('forecast-deliveries');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(type: string, event: string, path: string, active?: boolean): Promise<number> {
    const body = { name: `${type} ${event}`, type, event, url: receiver.url(path), ...(active === undefined ? {} : { active }) };
    const response = await fleet.call('POST', '/forecast/v1/webhook_subscriptions', body, null, providerAuth.forecast(tenant.api_key));
    expect(response.status).toBe(201);
    return response.body.id as number;
  }
  const event = (type: string, extra: Record<string, unknown>) => ({ tenant: tenant.id, profile: 'forecast', type, ...extra });

  it('sends the sample webhook byte for byte for a TASK UPDATE subscription', async () => {
    await subscribe('TASK', 'UPDATE', '/task-updated');
    await publish(fleet, event('task_updated', { data: { id: 655383 }, occurred_at: '2021-09-23T07:30:00Z', actor: { id: 50363 }, fields_changed: ['description'] }));
    const [request] = await waitFor(() => (receiver.forPath('/task-updated').length > 0 ? receiver.forPath('/task-updated') : null));
    expect(request!.body).toBe(JSON.stringify(forecastSampleWebhook));
    expect(request!.body).toBe('{"timestamp":"2021-09-23T07:30:00Z","event":"task_updated","object":{"id":655383},"person":{"id":50363},"fields_changed":["description"]}');
    expectCommonHeaders(request!);
  });

  it('names the other events by the <type>_<action> pattern and sends fields_changed only on updates', async () => {
    await subscribe('TIME_REG', 'CREATE', '/time-reg-created');
    await subscribe('PHASE', 'DELETE', '/phase-deleted');
    await publish(fleet, event('time_reg_created', { data: { id: 11 }, occurred_at: '2021-09-23T08:00:00Z', actor: { id: 1 }, fields_changed: ['minutes'] }));
    await publish(fleet, event('phase_deleted', { data: { id: 12 }, occurred_at: '2021-09-23T09:00:00Z', actor: { id: 2 } }));
    await waitFor(() => receiver.forPath('/time-reg-created').length > 0 && receiver.forPath('/phase-deleted').length > 0);
    expect(receiver.forPath('/time-reg-created')[0]!.body).toBe('{"timestamp":"2021-09-23T08:00:00Z","event":"time_reg_created","object":{"id":11},"person":{"id":1}}');
    expect(receiver.forPath('/phase-deleted')[0]!.body).toBe('{"timestamp":"2021-09-23T09:00:00Z","event":"phase_deleted","object":{"id":12},"person":{"id":2}}');
  });

  it('sends nothing to an inactive subscription, and resumes once it is active again', async () => {
    const id = await subscribe('PROJECT', 'CREATE', '/inactive', false);
    await publish(fleet, event('project_created', { data: { id: 1 }, actor: { id: 3 } }));
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/inactive')).toHaveLength(0);
    const activated = await fleet.call('PUT', `/forecast/v1/webhook_subscriptions/${id}`, { active: true }, null, providerAuth.forecast(tenant.api_key));
    expect(activated.body.active).toBe(true);
    await publish(fleet, event('project_created', { data: { id: 2 }, actor: { id: 3 } }));
    await waitFor(() => receiver.forPath('/inactive').length === 1);
    expect(JSON.parse(receiver.forPath('/inactive')[0]!.body).object).toEqual({ id: 2 });
  });

  it('treats a non-2xx (a 301 too) as a failure, retrying after 1, 2, 3, 5 and 10 minutes (scaled), then dead', async () => {
    await subscribe('TASK', 'DELETE', '/down');
    await subscribe('TASK', 'DELETE', '/moved');
    await publish(fleet, event('task_deleted', { data: { id: 99 }, actor: { id: 4 } }));
    const deliveryId = await waitFor(() => (receiver.forPath('/down')[0] ? headerOf(receiver.forPath('/down')[0]!, 'webhook-id') : null));
    const dead = await waitForDeliveryStatus(fleet, deliveryId, 'dead');
    expect(dead.attempts).toBe(6);
    const attempts = receiver.forPath('/down');
    expect(attempts).toHaveLength(6);
    expectGapsFollowLadder(gapsOf(attempts), forecastProfile.retryDelaysMs, SCALE);
    await waitForDeliveryStatus(fleet, headerOf(receiver.forPath('/moved')[0]!, 'webhook-id')!, 'dead');
    expect(receiver.forPath('/moved')).toHaveLength(6);
  });
});
