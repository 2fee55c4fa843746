import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { RABBITMQ_URL } from '../../../test/brokers.js';
import { runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

/** `subscriptions create --destination '<json>'`: a broker subscription from the command line, its password never printed. */
describe('the CLI and broker destinations', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  it('creates a RabbitMQ subscription and shows and lists it with the password redacted', async () => {
    const destination = JSON.stringify({ type: 'rabbitmq', url: RABBITMQ_URL, exchange: 'hooks', routing_key: 'orders' });
    const created = await runInProcess(['subscriptions', 'create', '--events', 'order.*', '--destination', destination], asTenant);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^destination:\s+rabbitmq amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672 exchange=hooks routing_key=orders$/m);
    const id = /^id:\s+(sub_\S+)$/m.exec(created.stdout)?.[1] as string;
    const shown = await runInProcess(['subscriptions', 'show', id], asTenant);
    expect(shown.stdout).toContain('rabbitmq amqp://guest:***@127.0.0.1:5672');
    const listed = await runInProcess(['subscriptions', 'list'], asTenant);
    expect(listed.stdout).toContain('rabbitmq amqp://guest:***@');
    for (const output of [created, shown, listed]) expect(output.stdout).not.toContain('guest:guest');
  });

  it('creates a NATS subscription', async () => {
    const destination = JSON.stringify({ type: 'nats', servers: ['nats://127.0.0.1:4222'], subject: 'webhooks.orders' });
    const created = await runInProcess(['subscriptions', 'create', '--events', 'order.*', '--destination', destination, '--json'], asTenant);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).destination).toEqual({ type: 'nats', servers: ['nats://127.0.0.1:4222'], subject: 'webhooks.orders' });
  });

  it.each([
    [['http://127.0.0.1:9/x', '--destination', '{"type":"poll"}'], 'give <endpoint-url> or --destination, not both'],
    [['--destination', '{nope'], '--destination is not JSON'],
    [['--destination', '[1]'], '--destination must be a JSON object with a "type"'],
    [[], 'missing <endpoint-url>'],
  ])('refuses %j', async (args, message) => {
    const result = await runInProcess(['subscriptions', 'create', '--events', 'a.b', ...args], asTenant);
    expect(result.code).not.toBe(0);
    expect(result.stderr.startsWith(`error: ${message}`)).toBe(true);
  });
});
