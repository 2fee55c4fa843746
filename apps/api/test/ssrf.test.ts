import { lookup } from 'node:dns/promises';
import { hostname, networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeliveryTransport as Transport } from '@hookfleet/delivery';
import type { TestFleet } from '../../../test/fleet.js';
import { restoreDns, scriptDns } from '../../../test/fake-dns.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

// Imported only now that test/fake-dns.ts has replaced dns.lookup: jest links a module graph's built-ins (and
// snapshots their exports) before running any of it, so the code under test must be linked after the swap.
const { DeliveryTransport, USER_AGENT } = await import('@hookfleet/delivery');
const { startFleet } = await import('../../../test/fleet.js');

const REFUSED = /not allowed|forbidden|private|reserved/i;

// Names this file resolves itself (test/fake-dns.ts), so every case is the same on every machine.
scriptDns('loopback.hookfleet.test', ['127.0.0.1']);
scriptDns('private.hookfleet.test', ['10.1.2.3']);
scriptDns('metadata.hookfleet.test', ['169.254.169.254']);
scriptDns('cgnat.hookfleet.test', ['100.64.1.1']);
scriptDns('v6-loopback.hookfleet.test', ['::1']);
scriptDns('v6-ula.hookfleet.test', ['fd00::1']);
scriptDns('mapped.hookfleet.test', ['::ffff:127.0.0.1']);
scriptDns('public.hookfleet.test', ['93.184.216.34']);

/** Subscription URLs refused with HOOKFLEET_ALLOW_PRIVATE_TARGETS=false, by what they point at. */
const forbiddenUrls: Array<[string, string]> = [
  ['loopback', 'http://127.0.0.1/hook'],
  ['loopback, other address and port', 'http://127.255.255.254:8080/hook'],
  ['loopback, short form', 'http://127.1/'],
  ['loopback, decimal', 'http://2130706433/'],
  ['loopback, hexadecimal', 'http://0x7f000001/'],
  ['loopback, octal', 'http://0177.0.0.1/'],
  ['loopback, trailing dot', 'http://127.0.0.1./'],
  ['localhost', 'http://localhost:3000/'],
  ['localhost, upper case', 'http://LOCALHOST/'],
  ['a .localhost name', 'http://api.localhost/'],
  ['a name resolving to loopback', 'http://loopback.hookfleet.test/'],
  ['unspecified', 'http://0.0.0.0/'],
  ['unspecified 0.0.0.0/8', 'http://0.1.2.3/'],
  ['unspecified IPv6', 'http://[::]/'],
  ['RFC 1918 10/8', 'http://10.0.0.1/'],
  ['RFC 1918 172.16/12', 'http://172.16.0.1/'],
  ['RFC 1918 172.16/12, top', 'http://172.31.255.255/'],
  ['RFC 1918 192.168/16', 'https://192.168.1.1/'],
  ['a name resolving to RFC 1918', 'http://private.hookfleet.test/'],
  ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
  ['link-local', 'http://169.254.0.1/'],
  ['a name resolving to the metadata address', 'http://metadata.hookfleet.test/'],
  ['CGNAT', 'http://100.64.0.1/'],
  ['CGNAT, top', 'http://100.127.255.254/'],
  ['a name resolving to CGNAT', 'http://cgnat.hookfleet.test/'],
  ['multicast', 'http://224.0.0.1/'],
  ['multicast SSDP', 'http://239.255.255.250/'],
  ['reserved 240/4', 'http://240.0.0.1/'],
  ['broadcast', 'http://255.255.255.255/'],
  ['IETF protocol assignments', 'http://192.0.0.1/'],
  ['benchmarking', 'http://198.18.0.1/'],
  ['documentation', 'http://203.0.113.7/'],
  ['IPv6 loopback', 'http://[::1]/'],
  ['a name resolving to IPv6 loopback', 'http://v6-loopback.hookfleet.test/'],
  ['IPv6 ULA fc00::/7', 'http://[fc00::1]/'],
  ['IPv6 ULA fd00::/8', 'http://[fd12:3456::1]/'],
  ['a name resolving to an IPv6 ULA', 'http://v6-ula.hookfleet.test/'],
  ['IPv6 link-local', 'http://[fe80::1]/'],
  ['IPv6 site-local', 'http://[fec0::1]/'],
  ['IPv6 multicast', 'http://[ff02::1]/'],
  ['IPv6 documentation', 'http://[2001:db8::1]/'],
  ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
  ['IPv4-mapped RFC 1918', 'http://[::ffff:10.0.0.1]/'],
  ['IPv4-mapped metadata', 'http://[::ffff:169.254.169.254]/'],
  ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]/'],
  ['a name resolving to IPv4-mapped loopback', 'http://mapped.hookfleet.test/'],
  ['IPv4-compatible loopback (deprecated ::/96)', 'http://[::127.0.0.1]/'],
  ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/'],
  ['6to4 of loopback', 'http://[2002:7f00:1::1]/'],
  ['credentials', 'http://user:pass@public.hookfleet.test/'],
  ['a user name', 'https://user@public.hookfleet.test/'],
  ['a password only', 'https://:secret@public.hookfleet.test/'],
  ['ftp', 'ftp://public.hookfleet.test/'],
  ['file', 'file:///etc/passwd'],
  ['gopher', 'gopher://public.hookfleet.test:70/'],
  ['javascript', 'javascript:alert(1)'],
  ['data', 'data:text/plain,hello'],
  ['websocket', 'ws://public.hookfleet.test/'],
  ['no scheme', 'public.hookfleet.test/hook'],
  ['scheme-relative', '//public.hookfleet.test/hook'],
];

const allowedUrls = ['http://8.8.8.8/hook', 'https://public.hookfleet.test/hook', 'http://[2606:4700:4700::1111]/', 'http://172.32.0.1/', 'http://100.128.0.1/', 'https://93.184.216.34:8443/x'];

describe('SSRF guard', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // Listens on every address, IPv4 and IPv6: whatever a refused URL might have reached, it would be recorded here.
    receiver = await new ScriptedReceiver((request, response) => response.writeHead(200).end('reached'), '::').start();
    fleet = await startFleet({ HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'false', RETRY_DELAY_SCALE: '0.0001' });
    tenant = await fleet.createTenant('ssrf');
  });

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
    restoreDns();
  });

  describe('subscriptions', () => {
    it.each(forbiddenUrls)('refuses a subscription to %s (%s) with a 400 on `url`', async (_label, url) => {
      const response = await fleet.call('POST', '/v1/subscriptions', { url, events: ['*'] }, tenant.api_key);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: expect.any(String), issues: [expect.objectContaining({ path: 'url', message: expect.any(String) })] });
    });

    it.each(allowedUrls)('accepts a public target %s', async (url) => {
      const response = await fleet.call('POST', '/v1/subscriptions', { url, events: ['never.*'] }, tenant.api_key);
      expect(response.status).toBe(201);
    });

    it('refuses to move an existing subscription to a private target', async () => {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: 'https://public.hookfleet.test/a', events: ['never.*'] }, tenant.api_key);
      for (const url of ['http://127.0.0.1/', 'http://metadata.hookfleet.test/', 'http://user:pw@public.hookfleet.test/']) {
        const patched = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { url }, tenant.api_key);
        expect(patched.status).toBe(400);
        expect(patched.body.issues[0].path).toBe('url');
      }
      expect((await fleet.call('GET', `/v1/subscriptions/${created.body.id}`, undefined, tenant.api_key)).body.url).toBe('https://public.hookfleet.test/a');
    });
  });

  describe('deliveries, checked on the address actually connected to', () => {
    let transport: Transport;
    let permissive: Transport;

    beforeAll(() => {
      // Slots for every local target at once: each is a new origin, and new origins beside a full slow share are bounded
      // (packages/delivery/src/slow-origins.ts), so on 8 slots most would be turned away as `stalled` before the guard.
      transport = new DeliveryTransport({ timeoutMs: 2_000, concurrency: 128, allowPrivateTargets: false, userAgent: USER_AGENT });
      permissive = new DeliveryTransport({ timeoutMs: 2_000, concurrency: 8, allowPrivateTargets: true, userAgent: USER_AGENT });
    });

    afterAll(async () => {
      await transport.close();
      await permissive.close();
    });

    /** Every way this machine can be reached at the receiver's port. */
    async function localTargets(): Promise<string[]> {
      const port = receiver.port;
      const targets = [
        `http://127.0.0.1:${port}/t`,
        `http://127.1:${port}/t`,
        `http://2130706433:${port}/t`,
        `http://0.0.0.0:${port}/t`,
        `http://localhost:${port}/t`,
        `http://[::1]:${port}/t`,
        `http://[::]:${port}/t`,
        `http://[::ffff:127.0.0.1]:${port}/t`,
        `http://loopback.hookfleet.test:${port}/t`,
        `http://v6-loopback.hookfleet.test:${port}/t`,
        `http://mapped.hookfleet.test:${port}/t`,
      ];
      // The machine's own addresses (private here) and its host name, when it resolves (often via /etc/hosts).
      for (const address of Object.values(networkInterfaces()).flat()) {
        if (!address || address.internal || address.address.startsWith('fe80')) continue;
        targets.push(address.family === 'IPv6' ? `http://[${address.address}]:${port}/t` : `http://${address.address}:${port}/t`);
      }
      // Real names that point back at this machine where they resolve (`localhost.` skips the literal check).
      for (const name of ['localhost.', 'ip6-localhost', hostname()]) {
        if (await lookup(name).then(() => true, () => false)) targets.push(`http://${name}:${port}/t`);
      }
      return targets;
    }

    it('refuses every loopback, private and local address at connect time, and the receiver never sees a request', async () => {
      const targets = await localTargets();
      const outcomes = await Promise.all(targets.map(async (url) => ({ url, result: await transport.post(url, '{}', { 'webhook-id': 'dlv_ssrf' }) })));
      for (const { url, result } of outcomes) {
        expect({ url, kind: result.kind, statusCode: result.statusCode }).toEqual({ url, kind: 'error', statusCode: null });
        expect(result.error).toMatch(REFUSED);
      }
      expect(receiver.requests).toHaveLength(0);
      // Not an empty victory: with the guard lifted the same receiver answers.
      expect((await permissive.post(`http://127.0.0.1:${receiver.port}/control`, '{}', {})).statusCode).toBe(200);
      expect((await permissive.post(`http://loopback.hookfleet.test:${receiver.port}/control`, '{}', {})).statusCode).toBe(200);
      expect(receiver.forPath('/control')).toHaveLength(2);
    });

    it('refuses link-local and metadata addresses even with private targets allowed', async () => {
      const targets = [
        'http://169.254.169.254/latest/meta-data/',
        'http://[fe80::1]/',
        'http://[::ffff:169.254.169.254]/',
        'http://metadata.google.internal/computeMetadata/v1/',
        `http://metadata.hookfleet.test:${receiver.port}/metadata-direct`,
      ];
      for (const url of targets) {
        const result = await permissive.post(url, '{}', {});
        expect({ url, kind: result.kind, error: result.error }).toEqual({ url, kind: 'error', error: expect.stringMatching(REFUSED) });
      }
      expect(receiver.forPath('/metadata-direct')).toHaveLength(0);
    });

    it('refuses a name whose DNS answer changes to loopback after the subscription was checked (rebinding)', async () => {
      scriptDns('rebind.hookfleet.test', ['93.184.216.34', '127.0.0.1']);
      const created = await fleet.call('POST', '/v1/subscriptions', { url: `http://rebind.hookfleet.test:${receiver.port}/rebind`, events: ['rebind.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'rebind.tick', data: {} });
      const [attempt] = await waitFor(async () => {
        const log = await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key);
        return log.body.data.length > 0 ? log.body.data : null;
      });
      expect(attempt).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(REFUSED) });
      // The operator's test delivery goes through the same guard.
      const tested = await fleet.call('POST', `/v1/subscriptions/${created.body.id}/test`, {}, tenant.api_key);
      expect(tested.body).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(REFUSED) });
      expect(receiver.forPath('/rebind')).toHaveLength(0);
    });

    it('refuses deliveries of a subscription stored with a loopback URL (saved before the guard was on)', async () => {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: 'https://public.hookfleet.test/stored', events: ['stored.*'] }, tenant.api_key);
      const store = fleet.workers[0]?.context.subscriptions;
      const stored = await store?.get(created.body.id);
      if (!store || !stored) throw new Error('subscription not stored');
      await store.save({ ...stored, url: `http://127.0.0.1:${receiver.port}/stored` });
      await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'stored.tick', data: {} });
      const [attempt] = await waitFor(async () => {
        const log = await fleet.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, tenant.api_key);
        return log.body.data.length > 0 ? log.body.data : null;
      });
      expect(attempt).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(REFUSED) });
      expect(receiver.forPath('/stored')).toHaveLength(0);
    });
  });

  describe('with private targets allowed (npm start, local development)', () => {
    let local: TestFleet;
    let localTenant: { id: string; api_key: string };

    beforeAll(async () => {
      local = await startFleet({ RETRY_DELAY_SCALE: '0.0001' });
      localTenant = await local.createTenant('local');
    });

    afterAll(async () => {
      await local?.stop();
    });

    describe('link-local and cloud metadata addresses stay refused', () => {
      const metadataUrls = [
        'http://169.254.169.254/latest/meta-data/',
        'http://169.254.0.1/',
        'http://[fe80::1]/',
        'http://[fd00:ec2::254]/latest/meta-data/',
        'http://100.100.100.200/latest/meta-data/',
        'http://[::ffff:169.254.169.254]/',
        'http://metadata.google.internal/computeMetadata/v1/',
        'http://metadata.hookfleet.test/',
      ];

      it.each(metadataUrls)('refuses a subscription to %s with a 400 on `url`', async (url) => {
        const response = await local.call('POST', '/v1/subscriptions', { url, events: ['*'] }, localTenant.api_key);
        expect(response.status).toBe(400);
        expect(response.body.issues).toEqual([expect.objectContaining({ path: 'url', message: expect.stringMatching(/not allowed|link-local|metadata/) })]);
      });

      it('still accepts loopback and private targets', async () => {
        for (const url of [receiver.url('/local'), 'http://10.0.0.5/hook', 'http://localhost:8787/hook']) {
          expect((await local.call('POST', '/v1/subscriptions', { url, events: ['never.*'] }, localTenant.api_key)).status).toBe(201);
        }
      });

      it('refuses to move a subscription to the metadata address, and its deliveries and test deliveries never reach it', async () => {
        const created = await local.call('POST', '/v1/subscriptions', { url: receiver.url('/before'), events: ['meta.*'] }, localTenant.api_key);
        expect(created.status).toBe(201);
        const patched = await local.call('PATCH', `/v1/subscriptions/${created.body.id}`, { url: 'http://169.254.169.254/latest/meta-data/' }, localTenant.api_key);
        expect(patched.status).toBe(400);
        expect(patched.body.issues[0].path).toBe('url');
        // A URL stored before this rule, by name: the connect-time check refuses the address it resolves to.
        const store = local.workers[0]?.context.subscriptions;
        const stored = await store?.get(created.body.id);
        if (!store || !stored) throw new Error('subscription not stored');
        await store.save({ ...stored, url: `http://metadata.hookfleet.test:${receiver.port}/metadata` });
        await local.call('POST', '/v1/events', { tenant: localTenant.id, profile: 'standard', type: 'meta.tick', data: {} });
        const [attempt] = await waitFor(async () => {
          const log = await local.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, localTenant.api_key);
          return log.body.data.length > 0 ? log.body.data : null;
        });
        expect(attempt).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(REFUSED) });
        const tested = await local.call('POST', `/v1/subscriptions/${created.body.id}/test`, {}, localTenant.api_key);
        expect(tested.body).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(REFUSED) });
        expect(receiver.forPath('/metadata')).toHaveLength(0);
      });
    });

    describe('redirects', () => {
      let target: ScriptedReceiver;
      let redirecting: ScriptedReceiver;

      beforeAll(async () => {
        target = await new ScriptedReceiver((_request, response) => response.writeHead(200).end('second')).start();
        redirecting = await new ScriptedReceiver((request, response) => {
          const status = Number(request.path.split('/')[2] ?? 302);
          response.writeHead(status, { location: target.url('/second') }).end();
        }).start();
      });

      afterAll(async () => {
        await target?.stop();
        await redirecting?.stop();
      });

      // Both receivers are on 127.0.0.1, which this fleet allows: the rule under test is the redirect.
      it.each([301, 302, 303, 307, 308])('does not follow a %i: the attempt is a failure and the second receiver never gets the request', async (status) => {
        const created = await local.call('POST', '/v1/subscriptions', { url: redirecting.url(`/redirect/${status}`), events: [`redirect${status}.*`] }, localTenant.api_key);
        await local.call('POST', '/v1/events', { tenant: localTenant.id, profile: 'standard', type: `redirect${status}.tick`, data: {} });
        const log = await waitFor(async () => {
          const answer = await local.call('GET', `/v1/subscriptions/${created.body.id}/attempts`, undefined, localTenant.api_key);
          return answer.body.data.length >= 2 ? answer.body.data : null;
        }, { message: 'a retry after the redirect' });
        for (const entry of log) expect(entry).toMatchObject({ ok: false, status_code: status });
        expect(redirecting.forPath(`/redirect/${status}`).length).toBeGreaterThanOrEqual(2);
        expect(target.requests).toHaveLength(0);
      });
    });
  });
});
