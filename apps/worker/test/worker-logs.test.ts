import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { waitFor } from '../../../test/wait.js';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The built worker process's own log (pino, JSON lines on stdout) for the events operators act on. */
describe('the worker log', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/gone' ? 410 : 500 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00001' }, { workers: 0 });
  });

  afterAll(async () => {
    await worker?.stop();
    await fleet.stop();
    await receiver.stop();
  });

  it('has a JSON line per subscription and second of failed attempts, one per dead delivery and per disabled subscription, with no secret or signature', async () => {
    worker = await spawnWorker(fleet.config, { LOG_LEVEL: 'info' });
    const tenant = await fleet.createTenant('logs');
    const secrets: string[] = [ADMIN_TOKEN, tenant.api_key];
    for (const path of ['/down', '/gone']) {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: ['log.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      secrets.push(created.body.secret);
    }
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'log.written', data: { note: 'hello' } })).status).toBe(202);

    const lines = () =>
      worker!
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
    await waitFor(
      () => lines().some((line) => line.msg === 'delivery dead' && line.status_code === 500) && lines().some((line) => line.msg === 'subscription disabled'),
      {
        timeoutMs: 20_000,
        message: 'dead delivery and disabled subscription logged',
      },
    );

    // The subscription's first failed part is a line at once; the parts that fail within the next second (the ladder
    // is scaled down to milliseconds: attempts 2, 3, 4 … come within it) are summed into one line at its end.
    const failedLines = () => lines().filter((line) => line.msg === 'deliveries failed');
    const failed = await waitFor(() => {
      const written = failedLines();
      return written.reduce((sum, line) => sum + Number(line.count), 0) === 7 ? written : null;
    }, { message: 'attempts 1 to 7 logged as failed' });
    expect(failed[0]).toMatchObject({ level: 30, name: 'worker', profile: 'standard', count: 1, attempts: [1], status_codes: { 500: 1 }, subscription_id: expect.stringMatching(/^sub_/), delivery_ids: [expect.stringMatching(/^dlv_/)] });
    expect(failed.flatMap((line) => line.attempts as number[])).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(failed.length).toBeLessThan(7);
    expect(failed.find((line) => Number(line.count) > 1)).toMatchObject({ parts: expect.any(Number), status_codes: { 500: expect.any(Number) }, delivery_ids: failed[0]?.delivery_ids });
    // 410 Gone is final: that delivery is dead at once, and its subscription disabled.
    expect(lines().filter((line) => line.msg === 'delivery dead')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 40, attempt: 8, status_code: 500 }),
        expect.objectContaining({ level: 40, attempt: 1, status_code: 410 }),
      ]),
    );
    expect(lines().find((line) => line.msg === 'subscription disabled')).toMatchObject({
      level: 40,
      reason: 'gone',
      subscription_id: expect.stringMatching(/^sub_/),
    });

    const signatures = receiver.requests.map((request) => String(request.headers['webhook-signature']));
    expect(signatures.length).toBeGreaterThan(0);
    for (const secret of [...secrets, ...signatures]) expect(worker.output()).not.toContain(secret);
  });
});
