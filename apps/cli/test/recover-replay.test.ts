import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Delivery, Operation, Page, Subscription } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import { runCli, runCliJson, type CliEnv } from './cli-process.js';

describe('recover and replay through the hookfleet CLI', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let asTenant: CliEnv;
  let asOperator: CliEnv;
  let outage = true;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path === '/outage' && outage ? { status: 503 } : { status: 200 })).start();
    // The whole standard ladder (≈27.6 h) in about 2 s.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
    tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const createSubscription = (path: string, events: string) =>
    jsonInProcess<Subscription>(['subscriptions', 'create', receiver.url(path), '--events', events], asTenant);

  /** `hookfleet publish --file -`, the events on stdin. */
  const publish = async (type: string, count: number, prefix: string) => {
    const events = Array.from({ length: count }, (_, index) => ({ type, id: `${prefix}-${index}`, data: { index } }));
    const { results } = await jsonInProcess<{ results: Array<{ deduplicated: boolean }> }>(['publish', '--tenant', tenant.id, '--file', '-'], asOperator, {
      stdin: JSON.stringify(events),
    });
    expect(results.filter((result) => !result.deduplicated)).toHaveLength(count);
  };

  it('recovers all 500 dead deliveries of an outage exactly once more, with the same webhook-ids, and reports 500/500', async () => {
    const subscription = await createSubscription('/outage', 'outage.*');
    await publish('outage.tick', 500, 'outage');
    await waitFor(
      async () => {
        const dead = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead&limit=500`, undefined, tenant.api_key);
        return dead.body.data.length === 500;
      },
      { timeoutMs: 60_000, message: '500 dead deliveries' },
    );
    const deadLetters = await jsonInProcess<Page<Delivery>>(['deliveries', 'list', subscription.id, '--status', 'dead', '--all'], asTenant);
    expect(deadLetters.data).toHaveLength(500);
    const firstIds = new Set(receiver.forPath('/outage').map((request) => String(request.headers['webhook-id'])));
    expect(firstIds.size).toBe(500);

    // The runbook: the endpoint is back; the pipeline disabled it as failing, so enable it, then recover.
    outage = false;
    const before = receiver.forPath('/outage').length;
    const shown = await runCli(['subscriptions', 'show', subscription.id], asTenant);
    expect(shown.stdout).toMatch(/^active:\s+no \(failing\)$/m);
    expect(await runCli(['subscriptions', 'enable', subscription.id], asTenant)).toMatchObject({ code: 0, stdout: `${subscription.id}: active yes\n` });
    const recovered = await runCli(['recover', subscription.id, '--since', '10m', '--json'], asTenant);
    expect(recovered).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(recovered.stdout)).toMatchObject({ kind: 'recover', status: 'done', total: 500, done: 500 } satisfies Partial<Operation>);

    await waitFor(() => receiver.forPath('/outage').length >= before + 500, { message: '500 recovered deliveries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const again = receiver
      .forPath('/outage')
      .slice(before)
      .map((request) => String(request.headers['webhook-id']));
    expect(again).toHaveLength(500);
    expect(new Set(again)).toEqual(firstIds);
    const delivered = await jsonInProcess<Page<Delivery>>(['deliveries', 'list', subscription.id, '--status', 'delivered', '--limit', '500'], asTenant);
    expect(delivered.data).toHaveLength(500);
  });

  it('replays what a disabled subscription missed once it is enabled again, and nothing else', async () => {
    const subscription = await createSubscription('/replay', 'replay.*');
    await publish('replay.before', 5, 'replay-before');
    await waitFor(() => receiver.forPath('/replay').length === 5, { message: 'five before' });

    expect(await runCli(['subscriptions', 'disable', subscription.id], asTenant)).toMatchObject({
      code: 0,
      stdout: `${subscription.id}: active no (manual)\n`,
    });
    const tooEarly = await runInProcess(['replay', subscription.id, '--since', '1m', '--json'], asTenant);
    expect(tooEarly.code).not.toBe(0);
    expect(tooEarly.stderr).toMatch(/inactive \(manual\): enable it first/);
    expect(tooEarly.stderr.trim().split('\n')).toHaveLength(1);
    const since = new Date().toISOString();
    await publish('replay.during', 200, 'replay-during');
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/replay')).toHaveLength(5);

    expect((await runCli(['subscriptions', 'enable', subscription.id], asTenant)).code).toBe(0);
    const replayed = await runCliJson<Operation>(['replay', subscription.id, '--since', since], asTenant);
    expect(replayed).toMatchObject({ kind: 'replay', status: 'done', total: 200, done: 200 });
    await waitFor(() => receiver.forPath('/replay').length >= 205, { message: '205 delivered' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const bodies = receiver
      .forPath('/replay')
      .slice(5)
      .map((request) => JSON.parse(request.body));
    expect(bodies).toHaveLength(200);
    expect(bodies.every((body) => body.type === 'replay.during')).toBe(true);
    expect(new Set(bodies.map((body) => body.data.index)).size).toBe(200);
  });

  it('draws a progress bar on a terminal and ends with a one-line summary', async () => {
    const subscription = await createSubscription('/progress', 'progress.*');
    const since = new Date(Date.now() - 1000).toISOString();
    await publish('progress.tick', 30, 'progress');
    await waitFor(() => receiver.forPath('/progress').length === 30, { message: '30 delivered' });
    const result = await runInProcess(['replay', subscription.id, '--since', since, '--types', 'progress.tick'], asTenant, { tty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^replay op_\S+ done: 30\/30 events\n$/);
    expect(result.stderrWrites[0]).toMatch(/^replay op_\S+ started for sub_\S+\n$/);
    const clearLine = '\r\u001b[2K';
    expect(result.stderrWrites[1]?.startsWith(clearLine)).toBe(true);
    expect(result.stderrWrites[1]?.slice(clearLine.length)).toMatch(/^replay op_\S+ \[[█░]+\] /);
    expect(result.stderrWrites.at(-1)).toBe(clearLine);
    await waitFor(() => receiver.forPath('/progress').length === 60, { message: '30 replayed' });
    const operationId = /^replay (op_\S+) done/.exec(result.stdout)?.[1] as string;
    expect(await jsonInProcess<Operation>(['operations', 'show', operationId], asTenant)).toMatchObject({
      id: operationId,
      kind: 'replay',
      status: 'done',
      total: 30,
      done: 30,
    });
  });
});
