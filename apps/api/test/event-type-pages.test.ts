import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { profiles } from '@hookfleet/profiles';
import { MAX_EVENT_TYPE_PAGE_BYTES } from '../src/event-type-page.js';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

interface Listed {
  profile: string;
  type: string;
  schema: Record<string, unknown> | null;
}

/**
 * `GET /v1/event-types` answers a page at a time, as the other lists do (docs/api.md, "Event types"): 1,000
 * registered types of up to 64 KB of schema each made one answer of some 64 MB, built and sent at once.
 */
describe('the event type catalogue, a page at a time', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  const documented = profiles.flatMap((profile) => profile.events.map((event) => `${profile.name} ${event.type}`));

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('event-type-pages');
  });
  afterAll(() => fleet.stop());

  const register = async (type: string, schema: Record<string, unknown> = { type: 'object' }) => {
    const answer = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type, schema });
    expect(answer.status).toBe(201);
  };
  const get = (query: string) => fleet.call('GET', `/v1/event-types${query}`, undefined, tenant.api_key);

  /** Every page from the first (or from `from`), each one checked, as a caller reads them. */
  const readAll = async (query: string, limit: number, from: string | null = null) => {
    const entries: Listed[] = [];
    const pages: number[] = [];
    let cursor = from;
    for (let page = 0; page < 200; page += 1) {
      const answer = await get(`?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      expect(answer.body.data.length).toBeLessThanOrEqual(limit);
      entries.push(...answer.body.data);
      pages.push(answer.body.data.length);
      cursor = answer.body.next_cursor;
      if (!cursor) return { entries, pages };
    }
    throw new Error('more than 200 pages');
  };
  const names = (entries: Listed[]) => entries.map((entry) => `${entry.profile} ${entry.type}`);

  it('answers a common catalogue whole without paging parameters (limit defaults to its most), and pages past it', async () => {
    expect(documented.length).toBeGreaterThan(50);
    const whole = await get('');
    expect(whole.status).toBe(200);
    expect(Object.keys(whole.body).sort()).toEqual(['data', 'next_cursor']);
    expect(names(whole.body.data)).toEqual(documented);
    expect(whole.body.next_cursor).toBeNull();
    const first = await get('?limit=50');
    expect(names(first.body.data)).toEqual(documented.slice(0, 50));
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await get(`?limit=50&cursor=${first.body.next_cursor}`);
    expect(names(second.body.data)).toEqual(documented.slice(50, 100));
  });

  it('pages through the documented types and then the registered ones, each once, in the same order at any limit', async () => {
    for (const type of ['page.zeta', 'page.alpha', 'page.Mid']) await register(type);
    const whole = await readAll('', 500);
    expect(whole.pages).toHaveLength(1);
    expect(names(whole.entries)).toEqual([...documented, 'standard page.Mid', 'standard page.alpha', 'standard page.zeta']);
    const paged = await readAll('', 7);
    expect(names(paged.entries)).toEqual(names(whole.entries));
    expect(paged.pages.every((size, index) => size === 7 || index === paged.pages.length - 1)).toBe(true);
  });

  it('filters by profile across pages', async () => {
    const paymo = documented.filter((name) => name.startsWith('paymo '));
    const paged = await readAll('profile=paymo', 10);
    expect(names(paged.entries)).toEqual(paymo);
    expect(paged.pages).toHaveLength(Math.ceil(paymo.length / 10));
    expect((await get('?profile=nosuch')).body).toEqual({ data: [], next_cursor: null });
  });

  it('goes on from a registered type’s cursor past types registered between pages, each once', async () => {
    for (const type of ['move.b', 'move.d']) await register(type);
    const before = names((await get('?profile=standard&limit=500')).body.data);
    const upToB = await get(`?profile=standard&limit=${before.indexOf('standard move.b') + 1}`);
    expect(upToB.body.data.at(-1).type).toBe('move.b');
    await register('move.a');
    await register('move.c');
    const rest = names((await readAll('profile=standard', 2, upToB.body.next_cursor)).entries);
    const now = names((await get('?profile=standard&limit=500')).body.data);
    expect(rest).toEqual(now.slice(now.indexOf('standard move.b') + 1));
    expect(rest).toContain('standard move.c');
    expect(rest).not.toContain('standard move.a');
  });

  it(`ends a page at about ${MAX_EVENT_TYPE_PAGE_BYTES} bytes, whatever its limit, and still lists every type`, async () => {
    // 24 schemas of 60 KB: some 1.4 MB in all, more than one page may weigh.
    const large = (index: number) => ({ type: 'object', description: `${index} ${'x'.repeat(60_000)}` });
    for (let index = 0; index < 24; index += 1) await register(`large.t${String(index).padStart(2, '0')}`, large(index));
    const first = await fleet.call('GET', '/v1/event-types?profile=standard&limit=500', undefined, tenant.api_key);
    expect(first.status).toBe(200);
    const firstLarge = (first.body.data as Listed[]).filter((entry) => entry.type.startsWith('large.'));
    expect(firstLarge.length).toBeGreaterThan(10);
    expect(firstLarge.length).toBeLessThan(24);
    expect(JSON.stringify(first.body).length).toBeLessThanOrEqual(MAX_EVENT_TYPE_PAGE_BYTES);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const all = await readAll('profile=standard', 500);
    const largeTypes = all.entries.filter((entry) => entry.type.startsWith('large.'));
    expect(largeTypes.map((entry) => entry.type)).toEqual(Array.from({ length: 24 }, (_, index) => `large.t${String(index).padStart(2, '0')}`));
    expect(largeTypes.every((entry, index) => entry.schema?.description === large(index).description)).toBe(true);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=501', 'limit'],
    ['?limit=ten', 'limit'],
    ['?cursor=garbage', 'cursor'],
    [`?cursor=${Buffer.from(JSON.stringify(['d', 'paymo', 'no.such.type'])).toString('base64url')}`, 'cursor'],
    [`?cursor=${Buffer.from(JSON.stringify(['x', 'standard', 'page.alpha'])).toString('base64url')}`, 'cursor'],
    ['?cursor=sub_0123456789abcdef', 'cursor'],
    [`?cursor=${'a'.repeat(401)}`, 'cursor'],
  ])('%s is a 400 at its field', async (query, field) => {
    const answer = await get(query);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: field, message: expect.any(String) }]);
  });
});
