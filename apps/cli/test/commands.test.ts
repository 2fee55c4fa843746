import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Delivery, Subscription } from '@hookfleet/client';
import { Webhook } from 'standardwebhooks';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, runInProcess, startInProcess } from './cli-in-process.js';
import { runCli, startCli, type CliEnv } from './cli-process.js';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

describe('the hookfleet CLI against a running fleet', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let asTenant: CliEnv;
  let asOperator: CliEnv;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('creates, lists, shows and deletes a subscription, with tables for people', async () => {
    const created = await runInProcess(
      ['subscriptions', 'create', receiver.url('/crud'), '--events', 'crud.*,audit.log', '--description', 'from the CLI', '--rate-limit', '10/s'],
      asTenant,
    );
    expect(created.code).toBe(0);
    const id = /^id:\s+(sub_\S+)$/m.exec(created.stdout)?.[1] as string;
    expect(created.stdout).toMatch(/^secret:\s+whsec_\S+$/m);
    expect(created.stdout).toMatch(/^rate limit:\s+10\/s$/m);

    const listed = await runInProcess(['subscriptions', 'list'], asTenant);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+PROFILE\s+ACTIVE\s+EVENTS\s+URL$/);
    expect(rows.find((row) => row.startsWith(id))).toMatch(
      new RegExp(`^${id}\\s+standard\\s+yes\\s+crud\\.\\*,audit\\.log\\s+${receiver.url('/crud').replace(/[.]/g, '\\.')}$`),
    );

    const asJson = await jsonInProcess<{ data: Subscription[]; next_cursor: string | null }>(['subscriptions', 'list', '--tenant', tenant.id], asOperator);
    expect(asJson.data.map((subscription) => subscription.id)).toContain(id);

    expect(await runInProcess(['subscriptions', 'delete', id], asTenant)).toMatchObject({ code: 0, stdout: `deleted ${id}\n` });
    expect(await runInProcess(['subscriptions', 'show', id], asTenant)).toMatchObject({
      code: 5,
      stdout: '',
      stderr: `error: subscription ${id} not found (404)\n`,
    });
  });

  it('asks a person at a terminal before deleting (no: nothing deleted, exit 1), never a script, and not with --yes', async () => {
    const create = async () => (await jsonInProcess<Subscription>(['subscriptions', 'create', receiver.url('/asked'), '--events', 'asked.*'], asTenant)).id;
    const [kept, confirmed, forced] = [await create(), await create(), await create()];

    const declined = await runInProcess(['subscriptions', 'delete', kept], asTenant, { stdinTty: true, stdin: 'n\n' });
    expect(declined).toMatchObject({ code: 1, stdout: '', stderr: `delete ${kept}? deliveries stop and this cannot be undone [y/N] error: nothing deleted\n` });
    expect((await runInProcess(['subscriptions', 'show', kept], asTenant)).code).toBe(0);

    expect(await runInProcess(['subscriptions', 'delete', confirmed], asTenant, { stdinTty: true, stdin: 'y\n' })).toMatchObject({
      code: 0,
      stdout: `deleted ${confirmed}\n`,
    });
    expect(await runInProcess(['subscriptions', 'delete', forced, '--yes'], asTenant, { stdinTty: true })).toMatchObject({
      code: 0,
      stdout: `deleted ${forced}\n`,
      stderr: '',
    });
    expect(await runInProcess(['subscriptions', 'delete', kept], asTenant)).toMatchObject({ code: 0, stdout: `deleted ${kept}\n`, stderr: '' });
  });

  it('says which subscriptions a delete of several removed before one failed, in --json too', async () => {
    const first = (await jsonInProcess<Subscription>(['subscriptions', 'create', receiver.url('/partway'), '--events', 'partway.*'], asTenant)).id;
    const last = (await jsonInProcess<Subscription>(['subscriptions', 'create', receiver.url('/partway'), '--events', 'partway.*'], asTenant)).id;
    const result = await runInProcess(['subscriptions', 'delete', first, 'sub_missing', last, '--json'], asTenant);
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout)).toEqual({ deleted: [first] });
    expect(result.stderr).toBe(`error: subscription sub_missing not found (404); ${first} was deleted before it; 2 not\n`);
    expect((await runInProcess(['subscriptions', 'show', last], asTenant)).code).toBe(0);
  });

  it('publishes from flags, lists the deliveries and retries one with the same webhook-id', async () => {
    const subscription = await jsonInProcess<Subscription>(['subscriptions', 'create', receiver.url('/flow'), '--events', 'flow.*'], asTenant);
    const published = await runInProcess(['publish', '--tenant', tenant.id, '--type', 'flow.started', '--id', 'flow-1', '--data', '{"step": 1}'], asOperator);
    expect(published).toMatchObject({ code: 0, stdout: 'published flow-1\n' });
    const again = await runInProcess(['publish', '--tenant', tenant.id, '--type', 'flow.started', '--id', 'flow-1', '--data', '{"step": 1}'], asOperator);
    expect(again.stdout).toBe('flow-1: already published (deduplicated, nothing sent again)\n');
    await waitFor(() => receiver.forPath('/flow').length === 1, { message: 'one delivery' });

    const table = await waitFor(async () => {
      const listed = await runInProcess(['deliveries', 'list', '--subscription', subscription.id], asTenant);
      return listed.stdout.includes('delivered') ? listed.stdout : null;
    });
    expect(table).toMatch(/^ID\s+EVENT\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\n\S+\s+flow-1\s+delivered\s+1\s+-\n$/);

    const deliveryId = String(receiver.forPath('/flow')[0]?.headers['webhook-id']);
    const retried = await jsonInProcess<Delivery>(['retry', deliveryId], asTenant);
    expect(retried).toMatchObject({ id: deliveryId, status: 'pending' });
    await waitFor(() => receiver.forPath('/flow').length === 2, { message: 'the retried delivery' });
    expect(receiver.forPath('/flow')[1]?.headers['webhook-id']).toBe(deliveryId);

    // Several ids, one unknown: the ones before it were queued, and --json still says which.
    const partly = await runInProcess(['retry', deliveryId, 'dlv_nope', '--json'], asTenant);
    expect(partly.code).toBe(5);
    expect(JSON.parse(partly.stdout)).toMatchObject({ data: [{ id: deliveryId, status: 'pending' }] });
    expect(partly.stderr).toContain(`${deliveryId} was queued before it; 1 not`);
  });

  it('says what it did in plain English: a batch with a repeat, the list in the order its help names, catalogue articles', async () => {
    const own = await fleet.createTenant('wording');
    const asOwn = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: own.api_key };
    const event = (id: string) => ({ tenant: own.id, type: 'word.said', id, data: {} });
    await jsonInProcess(['publish', '--tenant', own.id, '--type', 'word.said', '--id', 'word-1', '--data', '{}'], asOperator);
    const batch = await runInProcess(['publish', '--file', '-'], asOperator, { stdin: JSON.stringify([event('word-1'), event('word-2')]) });
    expect(batch).toMatchObject({ code: 0, stdout: 'published 1 event; 1 was already published (deduplicated)\n' });

    const urls = ['/first', '/second', '/third'].map((path) => receiver.url(path));
    for (const url of urls) await jsonInProcess(['subscriptions', 'create', url, '--events', 'word.*'], asOwn);
    const help = await runInProcess(['subscriptions', 'list', '--help'], asOwn);
    expect(`${help.stdout}${help.stderr}`).toMatch(/oldest first/);
    const listed = await runInProcess(['subscriptions', 'list'], asOwn);
    const rows = listed.stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((row) => row.split(/\s+/).at(-1))).toEqual(urls);

    // A test delivery that got no answer says why, once: no raw system error, no code repeated.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closedPort = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const deadEnd = await jsonInProcess<Subscription>(['subscriptions', 'create', `http://127.0.0.1:${closedPort}/hook`, '--events', 'never.*'], asOwn);
    const tested = await runInProcess(['subscriptions', 'test', deadEnd.id], asOwn);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toMatch(new RegExp(`^failed: Could not connect to http://127\\.0\\.0\\.1:${closedPort}: connection refused \\(after \\d+ ms\\)\n$`));

    const catalogue = await runInProcess(['event-types', '--profile', 'gigapay'], asOwn);
    expect(catalogue.stdout).toMatch(/Employee\.created\s+An employee was created/);
    expect(catalogue.stdout).not.toMatch(/\bA [AEIOU]/);
  });

  it('lists the event catalogue', async () => {
    const table = await runInProcess(['event-types', '--profile', 'standard'], asTenant);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^PROFILE\s+TYPE\s+DESCRIPTION\nstandard\s+\*\s+Any event type/);
    const all = await jsonInProcess<{ data: Array<{ profile: string }> }>(['event-types'], asTenant);
    expect(all.data.length).toBeGreaterThan(0);
  });

  describe('listen', () => {
    it('prints a real delivery as verified and a tampered one as invalid, answering 200 to both', async () => {
      const secret = newSecret();
      const listener = await startCli(['listen', '--port', '0', '--secret', secret, '--json'], {}, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      try {
        const url = `${listener.ready[1]}/hook`;
        const subscription = await jsonInProcess<Subscription>(['subscriptions', 'create', url, '--events', 'listen.*', '--secret', secret], asTenant);
        await jsonInProcess(['publish', '--tenant', tenant.id, '--type', 'listen.ping', '--data', '{"hello":"world"}'], asOperator);
        const lines = () =>
          listener
            .stdout()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line));
        const real = await waitFor(() => lines()[0], { message: 'the delivery printed' });
        expect(real).toMatchObject({
          method: 'POST',
          path: '/hook',
          profile: 'standard',
          signature: 'verified',
          error: null,
          body: { type: 'listen.ping', data: { hello: 'world' } },
        });
        const delivery = await waitFor(async () => {
          const page = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered`, undefined, tenant.api_key);
          return page.body.data[0] as Delivery | undefined;
        });
        expect(real.webhook_id).toBe(delivery.id);

        const body = JSON.stringify({ type: 'listen.ping', timestamp: new Date().toISOString(), data: { hello: 'world' } });
        const at = new Date();
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': 'msg_tampered',
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': new Webhook(secret).sign('msg_tampered', at, body),
          },
          body: body.replace('world', 'mallory'),
        });
        expect(response.status).toBe(200);
        const tampered = await waitFor(() => lines()[1], { message: 'the tampered delivery printed' });
        expect(tampered).toMatchObject({
          webhook_id: 'msg_tampered',
          profile: 'standard',
          signature: 'invalid',
          error: expect.stringMatching(/signature/i),
          body: { data: { hello: 'mallory' } },
        });
      } finally {
        expect(await listener.stop()).toBe(0);
      }
    });

    it('prints each delivery for people: the verdict, the webhook-id and the body', async () => {
      const secret = newSecret();
      const listener = startInProcess(['listen', '--port', '0', '--secret', secret], {});
      try {
        const url = (await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listener.stderr())?.[1], { message: 'listening' })) as string;
        expect(listener.stderr()).toContain('verifying standard, gigapay, paymo signatures');
        await jsonInProcess(['subscriptions', 'create', `${url}/people`, '--events', 'people.*', '--secret', secret], asTenant);
        await jsonInProcess(['publish', '--tenant', tenant.id, '--type', 'people.hello', '--data', '{"name":"Ada"}'], asOperator);
        const printed = await waitFor(() => (listener.stdout().includes('"Ada"') ? listener.stdout() : null), { message: 'the delivery printed' });
        expect(printed).toMatch(
          /^\d{2}:\d{2}:\d{2}\.\d{3} {2}✔ verified {2}standard {2}POST \/people {2}\S+ {2}people\.hello\n {2}\{\n {4}"type": "people\.hello",/,
        );
      } finally {
        expect(await listener.stop()).toBe(0);
      }
    });

    it('says once that it answers every delivery with the --status given', async () => {
      const listener = startInProcess(['listen', '--port', '0', '--status', '500'], {});
      try {
        await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.exec(listener.stderr()), { message: 'listening' });
        expect(listener.stderr()).toContain('no --secret: signatures unchecked; answering every delivery 500)');
      } finally {
        expect(await listener.stop()).toBe(0);
      }
    });

    it('verifies the signing profiles too: a Gigapay and a Paymo delivery from the fleet', async () => {
      const gigapayKey = randomBytes(16).toString('hex');
      const listener = startInProcess(['listen', '--port', '0', '--secret', gigapayKey, '--secret', 'paymo-secret', '--json'], {});
      try {
        const url = (await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listener.stderr())?.[1], { message: 'listening' })) as string;
        const subscribe = (body: Record<string, unknown>) => fleet.call('POST', '/v1/subscriptions', body, tenant.api_key);
        expect((await subscribe({ profile: 'gigapay', url: `${url}/gigapay`, events: ['Payout.created'], secret: gigapayKey })).status).toBe(201);
        expect((await subscribe({ profile: 'paymo', url: `${url}/paymo`, events: ['model.insert.Task'], secret: 'paymo-secret' })).status).toBe(201);
        await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'gigapay', type: 'Payout.created', data: { id: 'payout-1', amount: '120.00' } });
        await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'paymo', type: 'model.insert.Task', data: { id: 42, name: 'Write the runbook' } });
        const lines = () =>
          listener
            .stdout()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line));
        await waitFor(() => lines().length === 2, { message: 'two deliveries printed' });
        const byPath = Object.fromEntries(lines().map((line) => [line.path, line]));
        expect(byPath['/gigapay']).toMatchObject({ profile: 'gigapay', signature: 'verified', body: { id: 'payout-1' } });
        expect(byPath['/paymo']).toMatchObject({ profile: 'paymo', signature: 'verified', body: { id: 42 } });
      } finally {
        expect(await listener.stop()).toBe(0);
      }
    });
  });

  describe('errors: one line and an exit code', () => {
    it('says the API is unreachable, exit 3', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const result = await runCli(['subscriptions', 'list'], { HOOKFLEET_URL: `http://127.0.0.1:${port}`, HOOKFLEET_TOKEN: 'x' });
      expect(result).toEqual({
        code: 3,
        stdout: '',
        stderr: `error: cannot reach hookfleet at http://127.0.0.1:${port} (ECONNREFUSED); is the API running? (HOOKFLEET_URL or --url)\n`,
      });
    });

    it('says the token was refused, exit 4; --token wins over HOOKFLEET_TOKEN', async () => {
      const refused = await runCli(['event-types'], { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: 'wrong' });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/^error: the API refused the token \(401 [^\n]*\); set HOOKFLEET_TOKEN or pass --token\n$/);
      expect((await runInProcess(['event-types', '--token', tenant.api_key], { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: 'wrong' })).code).toBe(0);
    });

    it('sends a HOOKFLEET_TOKEN read from a file with its line break, instead of failing on "Invalid character in header content"', async () => {
      const listed = await runInProcess(['tenants', 'list', '--json'], { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: `${ADMIN_TOKEN}\n` });
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(listed.stdout).data).toEqual(expect.arrayContaining([expect.objectContaining({ id: tenant.id })]));
    });

    it('says no token was sent when none is set, exit 4; a tenant key on an operator route is told to use the admin token', async () => {
      const missing = await runCli(['event-types'], { HOOKFLEET_URL: fleet.api.url });
      expect(missing.code).toBe(4);
      expect(missing.stderr).toMatch(/^error: no token was sent \(401 [^\n]*\); set HOOKFLEET_TOKEN or pass --token\n$/);
      const forbidden = await runInProcess(['tenants', 'list'], { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key });
      expect(forbidden.code).toBe(4);
      expect(forbidden.stderr).toMatch(/\(403\); set HOOKFLEET_TOKEN \(or --token\) to the admin token/);
    });

    it('says what was not found, exit 5', async () => {
      expect(await runCli(['deliveries', 'show', 'dlv_missing'], asTenant)).toEqual({
        code: 5,
        stdout: '',
        stderr: 'error: delivery dlv_missing not found (404)\n',
      });
      const recover = await runCli(['recover', 'sub_missing', '--since', '1h', '--json'], asTenant);
      expect(recover).toMatchObject({ code: 5, stdout: '', stderr: 'error: subscription sub_missing not found (404)\n' });
    });

    it('names the fields of invalid input, whether the CLI or the API catches it', async () => {
      const local = await runInProcess(['subscriptions', 'create', 'ftp://example.com', '--events', 'a.b'], asTenant);
      expect(local).toMatchObject({ code: 2, stdout: '' });
      expect(local.stderr).toMatch(/^error: invalid subscription: <endpoint-url>: must be an http\(s\) URL without credentials \(url\)\n$/);
      const remote = await runInProcess(['subscriptions', 'list'], asOperator);
      expect(remote).toMatchObject({ code: 1, stdout: '', stderr: 'error: tenant required: tenant: the operator must name the tenant (?tenant=) (400)\n' });
      const badTime = await runInProcess(['replay', 'sub_x', '--since', 'last week'], asTenant);
      expect(badTime.code).toBe(2);
      expect(badTime.stderr.split('\n')).toHaveLength(2);
    });
  });
});
