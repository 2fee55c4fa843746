import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { spawnApi, type ApiProcess } from '../../../test/api-process.js';
import { apiClient, type ApiAnswer, type ApiCall } from '../../../test/http-client.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { providerAuth } from './compat-auth.js';

const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;

describe('secrets never leave in logs, errors or metrics', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let api: ApiProcess;
  let worker: WorkerProcess;
  let call: ApiCall;
  const adminToken = `admin-${randomBytes(18).toString('hex')}`;
  /** label → value: every credential of the run. */
  const secrets = new Map<string, string>();
  /** Every answer the API gave, error bodies included. */
  const answers: Array<{ label: string; answer: ApiAnswer }> = [];

  const record = async (label: string, pending: Promise<ApiAnswer>): Promise<ApiAnswer> => {
    const answer = await pending;
    answers.push({ label, answer });
    return answer;
  };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path.startsWith('/ok') ? 200 : request.path.startsWith('/gone') ? 410 : 500, body: 'nope' })).start();
    // This process only holds the test's config and cleans up; the API and the worker are real processes at debug level.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00001' }, { workers: 0 });
    api = await spawnApi(fleet.config, { HOOKFLEET_ADMIN_TOKEN: adminToken, LOG_LEVEL: 'debug' });
    worker = await spawnWorker(fleet.config, { LOG_LEVEL: 'debug', RETRY_DELAY_SCALE: '0.00001' });
    call = apiClient(api.url);
    secrets.set('admin token', adminToken);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await fleet?.stop();
    await receiver?.stop();
  });

  it('runs a full flow at LOG_LEVEL=debug and finds no key, token or secret in any log line, error body or metric', async () => {
    const tenantA = await record('tenant', call('POST', '/v1/tenants', { name: 'alpha' }, adminToken));
    const tenantB = await record('tenant', call('POST', '/v1/tenants', { name: 'beta' }, adminToken));
    expect(tenantA.status).toBe(201);
    const keyA = tenantA.body.api_key as string;
    const keyB = tenantB.body.api_key as string;
    secrets.set('tenant key A', keyA).set('tenant key B', keyB);

    // Standard subscriptions: an explicit secret, a generated one, a patched one, a rotated one.
    const given = whsec();
    secrets.set('given secret', given);
    const ok = await record('subscription', call('POST', '/v1/subscriptions', { url: receiver.url('/ok'), events: ['flow.*'], secret: given }, keyA));
    expect(ok.status).toBe(201);
    const failing = await record('subscription', call('POST', '/v1/subscriptions', { url: receiver.url('/fail'), events: ['flow.*'] }, keyA));
    secrets.set('generated secret', failing.body.secret);
    const gone = await record('subscription', call('POST', '/v1/subscriptions', { url: receiver.url('/gone'), events: ['flow.*'] }, keyB));
    secrets.set('generated secret B', gone.body.secret);
    const patchedSecret = whsec();
    secrets.set('patched secret', patchedSecret);
    expect((await record('patch', call('PATCH', `/v1/subscriptions/${failing.body.id}`, { secret: patchedSecret }, keyA))).status).toBe(200);
    const rotatedSecret = whsec();
    secrets.set('rotated secret', rotatedSecret);
    const rotated = await record('rotate', call('POST', `/v1/subscriptions/${ok.body.id}/rotate-secret`, { secret: rotatedSecret }, keyA));
    expect(rotated.status).toBe(200);

    // Compat subscriptions carry their providers' own secrets.
    const paymoSecret = `paymo-secret-${randomBytes(12).toString('hex')}`;
    const hubToken = `hub-token-${randomBytes(12).toString('hex')}`;
    const gigapayKey = `gigapay-key-${randomBytes(12).toString('hex')}`;
    secrets.set('paymo secret', paymoSecret).set('hub planner token', hubToken).set('gigapay secret_key', gigapayKey);
    const compat = await Promise.all([
      record('paymo', call('POST', '/paymo/api/hooks', { target_url: receiver.url('/fail-paymo'), event: 'model.insert.Task', secret: paymoSecret }, null, { headers: providerAuth.paymo(keyA) })),
      record('hubplanner', call('POST', '/hubplanner/subscription', { event: 'project.update', target_url: receiver.url('/fail-hub'), authorization_token: hubToken }, null, { headers: providerAuth.hubplanner(keyA) })),
      record('gigapay', call('POST', '/gigapay/v2/webhooks/', { url: receiver.url('/fail-gigapay'), events: ['Payout.created'], secret_key: gigapayKey }, null, { headers: providerAuth.gigapay(keyA, 'integration-1') })),
    ]);
    for (const answer of compat) expect(answer.status).toBe(201);

    // Deliveries that succeed, fail through to dead, and get a 410; a test delivery; Hub Planner's token on every attempt.
    for (let index = 0; index < 5; index += 1) {
      for (const tenant of [tenantA.body.id, tenantB.body.id]) {
        await record('publish', call('POST', '/v1/events', { tenant, profile: 'standard', type: 'flow.tick', data: { index } }, adminToken));
      }
      await record('publish', call('POST', '/v1/events', { tenant: tenantA.body.id, profile: 'hubplanner', type: 'project.update', data: { _id: `p${index}`, name: 'project' } }, adminToken));
    }
    await record('test delivery', call('POST', `/v1/subscriptions/${failing.body.id}/test`, {}, keyA));

    // Wrong credentials of every kind, some of them carrying real secrets where they do not belong.
    const wrong: Array<[string, Record<string, string>, string]> = [
      ['near-miss tenant key', { authorization: `Bearer ${keyA}x` }, '/v1/subscriptions'],
      ['near-miss admin token', { authorization: `Bearer ${adminToken}x` }, '/v1/tenants'],
      ['key in the wrong scheme', { authorization: `Token ${keyA}` }, '/v1/subscriptions'],
      ['key in a custom header', { 'x-api-key': keyA }, '/v1/subscriptions'],
      ['key in the query string', {}, `/v1/subscriptions?api_key=${keyA}&token=${adminToken}`],
      ['secret as a bearer', { authorization: `Bearer ${given}` }, '/v1/subscriptions'],
      ['compat near-miss', providerAuth.gigapay(`${keyA}x`), '/gigapay/v2/webhooks/'],
    ];
    for (const [label, headers, path] of wrong) {
      const answer = await record(label, call('GET', path, undefined, null, { headers }));
      expect({ label, status: answer.status }).toEqual({ label, status: 401 });
    }
    // Portal links and the session cookie: used, refused after a near miss, exchanged, revealing a secret.
    const link = await record('portal link', call('POST', '/v1/portal-sessions', { expires_in: 600 }, keyA));
    expect(link.status).toBe(201);
    const portalToken = new URL(link.body.url).hash.replace(/^#token=/, '');
    secrets.set('portal token', portalToken).set('portal token signature', portalToken.slice(portalToken.lastIndexOf('.') + 1));
    const portalPage = { 'x-hookfleet-portal': '1' };
    const signedIn = await record('portal sign-in', call('POST', '/portal/session', {}, portalToken, { headers: portalPage }));
    expect(signedIn.status).toBe(200);
    const keySignIn = await record('portal sign-in with a key', call('POST', '/portal/session', {}, keyA, { headers: portalPage }));
    const keyCookie = (keySignIn.headers.get('set-cookie') ?? '').split(';')[0]?.replace(/^[^=]*=/, '') ?? '';
    secrets.set('portal cookie of a key sign-in', keyCookie);
    const cookie = `hookfleet_portal=${keyCookie}`;
    expect((await record('portal reveal', call('GET', `/v1/subscriptions/${ok.body.id}/secret`, undefined, null, { headers: { ...portalPage, cookie } }))).status).toBe(200);
    for (const [label, headers] of [
      ['near-miss portal token', { authorization: `Bearer ${portalToken.slice(0, -2)}xx` }],
      ['portal cookie without the page header', { cookie }],
      ['portal cookie from another origin', { ...portalPage, cookie, 'sec-fetch-site': 'cross-site' }],
    ] as Array<[string, Record<string, string>]>) {
      const answer = await record(label, call('GET', '/v1/subscriptions', undefined, null, { headers }));
      expect({ label, status: answer.status }).toEqual({ label, status: 401 });
    }

    // Another tenant's object, and a body that fails validation around a secret.
    expect((await record('foreign', call('GET', `/v1/subscriptions/${ok.body.id}`, undefined, keyB))).status).toBe(404);
    expect((await record('invalid patch', call('PATCH', `/v1/subscriptions/${ok.body.id}`, { secret: whsec(), bogus: keyB }, keyA))).status).toBe(400);

    await waitFor(() => receiver.forPath('/fail').length >= 8 * 5 && receiver.forPath('/ok').length >= 5 && receiver.forPath('/gone').length >= 1 && receiver.forPath('/fail-hub').length >= 5, {
      timeoutMs: 30_000,
      message: 'deliveries through to dead',
    });
    const signatures = receiver.requests.map((request) => String(request.headers['webhook-signature'] ?? '')).filter(Boolean).flatMap((header) => header.split(' ').map((part) => part.replace(/^v1,/, '')));
    signatures.slice(0, 50).forEach((signature, index) => secrets.set(`signature ${index}`, signature));

    const scraped = [await (await fetch(`${api.url}/metrics`)).text(), await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text()].join('\n');
    await worker.stop();
    await api.stop();
    const logs = `${api.output()}\n${worker.output()}`;
    // Debug logging really ran, and said something about the failures it saw: the failure lines are summed per
    // subscription and second (apps/worker/src/failure-log.ts), so a few of each kind, not one a delivery.
    expect(logs.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(10);
    expect(logs).toMatch(/deliveries failed/);
    expect(logs).toMatch(/delivery dead/);

    const places: Array<[string, string]> = [
      ['logs', logs],
      ['metrics', scraped],
      ...answers.filter(({ answer }) => answer.status >= 400).map(({ label, answer }): [string, string] => [`${label} → ${answer.status}`, answer.text]),
    ];
    const leaks: string[] = [];
    for (const [label, value] of secrets) {
      const forms = new Set([value, value.replace(/^whsec_/, ''), encodeURIComponent(value)]);
      for (const [place, text] of places) if ([...forms].some((form) => form.length >= 12 && text.includes(form))) leaks.push(`${label} in ${place}`);
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
