import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventDetail, EventSummary, Page, Subscription } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { ExitCode } from '../src/errors.js';

/** `events list|show`: the event log (GET /v1/events, /v1/events/:id) without curl. */
describe('the CLI reads the event log', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let asTenant: CliEnv;
  let asOperator: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet();
    tenant = await fleet.createTenant('events-cli');
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(() => fleet.stop());

  it('lists a tenant’s events newest first, by type, page by page, and shows one with its deliveries', async () => {
    const subscription = await jsonInProcess<Subscription>(['subscriptions', 'create', '--destination', '{"type":"poll"}', '--events', 'log.*'], asTenant);
    for (const [id, type] of [['log-1', 'log.created'], ['log-2', 'log.paid'], ['log-3', 'log.paid']]) {
      await jsonInProcess(['publish', '--tenant', tenant.id, '--type', type as string, '--id', id as string, '--data', `{"id":"${id}"}`], asOperator);
    }

    const listed = await jsonInProcess<Page<EventSummary>>(['events', 'list', '--tenant', tenant.id], asOperator);
    expect(listed.data.map((event) => event.id)).toEqual(['log-3', 'log-2', 'log-1']);
    const paid = await jsonInProcess<Page<EventSummary>>(['events', 'list', '--type', 'log.paid'], asTenant);
    expect(paid.data.map((event) => event.id)).toEqual(['log-3', 'log-2']);
    const firstPage = await runInProcess(['events', 'list', '--limit', '2'], asTenant);
    expect(firstPage.stdout).toMatch(/^ID\s+TYPE\s+PROFILE\s+RECEIVED$/m);
    expect(firstPage.stdout).toMatch(/^log-3\s+log\.paid\s+standard\s+/m);
    const cursor = /more: add --cursor (\S+)/.exec(firstPage.stderr)?.[1] as string;
    const rest = await jsonInProcess<Page<EventSummary>>(['events', 'list', '--limit', '2', '--cursor', cursor], asTenant);
    expect(rest).toEqual({ data: [expect.objectContaining({ id: 'log-1' })], next_cursor: null });
    const all = await jsonInProcess<Page<EventSummary>>(['events', 'list', '--limit', '1', '--all'], asTenant);
    expect(all.data.map((event) => event.id)).toEqual(['log-3', 'log-2', 'log-1']);

    const detail = await waitFor(async () => {
      const shown = await jsonInProcess<EventDetail>(['events', 'show', 'log-2'], asTenant);
      return shown.deliveries.length > 0 ? shown : undefined;
    });
    expect(detail).toMatchObject({ id: 'log-2', type: 'log.paid', data: { id: 'log-2' }, deliveries: [{ subscription_id: subscription.id }] });
    const shown = await runInProcess(['events', 'show', 'log-2'], asTenant);
    expect(shown.stdout).toMatch(/^data:\s+\{"id":"log-2"\}$/m);
    expect(shown.stdout).toMatch(new RegExp(`^dlv_\\S+\\s+${subscription.id}\\s+pending$`, 'm'));
  });

  it('says what is wrong: an unknown event (exit 5), no tenant named with the operator token, a bad time flag', async () => {
    expect(await runInProcess(['events', 'show', 'no-such-event'], asTenant)).toMatchObject({ code: ExitCode.notFound, stderr: expect.stringContaining('not found (404)') });
    expect(await runInProcess(['events', 'list'], asOperator)).toMatchObject({ code: ExitCode.failed, stderr: expect.stringMatching(/^error: .*tenant/) });
    expect(await runInProcess(['events', 'list', '--since', 'yesterday'], asTenant)).toMatchObject({
      code: ExitCode.usage,
      stderr: expect.stringContaining('--since: "yesterday" is not a time'),
    });
  });
});
