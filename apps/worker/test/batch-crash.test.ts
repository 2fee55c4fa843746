import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

/** A worker SIGKILLed while its batch is in flight: the batch goes again, whole, from another worker (at least once). */
describe('a batch whose worker dies mid-request', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  const workers: WorkerProcess[] = [];
  let holdFirst = true;

  beforeAll(async () => {
    // The first batch is never answered (its worker dies waiting); every later one is answered 200.
    receiver = await new ScriptedReceiver((_request, response) => {
      if (holdFirst) {
        holdFirst = false;
        return;
      }
      response.writeHead(200).end('ok');
    }).start();
    // The API and a matcher in this process; delivery only in worker processes.
    fleet = await startFleet({ WORKER_ROLES: 'matcher', DELIVERY_TIMEOUT_MS: '30000' });
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await fleet.stop();
    await receiver.stop();
  });

  it('sends the same batch again, with the same id, once the dead worker’s job is picked up', async () => {
    workers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery' }));
    const tenant = await fleet.createTenant('batch crash');
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/batch'), events: ['crash.*'], batch: { max_events: 10, max_wait_ms: 100 } }, tenant.api_key);
    expect(created.status).toBe(201);
    const events = Array.from({ length: 10 }, (_, n) => ({ tenant: tenant.id, profile: 'standard', type: 'crash.created', data: { n } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(() => receiver.forPath('/batch').length >= 1, { message: 'the first batch' });
    await workers[0]?.kill();
    workers.shift();
    workers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery' }));
    await waitFor(() => receiver.forPath('/batch').length >= 2, { message: 'the batch sent again', timeoutMs: 60_000 });
    const [first, again] = receiver.forPath('/batch').map((request) => ({ id: request.headers['webhook-id'], members: (JSON.parse(request.body) as Array<{ id: string }>).map((element) => element.id).sort() }));
    expect(again).toEqual(first);
    expect(first?.members).toHaveLength(10);
    const delivered = await waitFor(async () => {
      const list = await fleet.call('GET', `/v1/deliveries?subscription=${created.body.id}&status=delivered`, undefined, tenant.api_key);
      return list.body.data.length === 10 ? list.body.data : null;
    }, { message: 'every member delivered', timeoutMs: 30_000 });
    expect(delivered.map((delivery: { id: string }) => delivery.id).sort()).toEqual(first?.members);
  });
});
