import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connectRedis, EventTypeStore, Keys } from '@hookfleet/store';
import { profiles } from '@hookfleet/profiles';
import type { ProfileFixtures } from '../../../packages/profiles/src/fixture.js';
import { fixturesByProfile } from '../../../packages/profiles/src/fixtures-by-profile.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';
import { EventSchemas } from './event-schemas.js';

describe('event schemas', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tets${randomBytes(4).toString('hex')}`);
  const store = new EventTypeStore(redis, keys);
  const schemas = new EventSchemas(store, 60_000);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  it.each(profiles.map((profile) => [profile.name]))('every %s seed fixture fits its documented shape', (name) => {
    const fixtures = fixturesByProfile[name] as ProfileFixtures;
    for (const fixture of fixtures.deliveries) {
      expect({ fixture: fixture.name, issues: schemas.issues({ profile: name, type: fixture.event.type, data: fixture.event.data, actor: fixture.event.actor }, '') }).toEqual({
        fixture: fixture.name,
        issues: [],
      });
    }
  });

  it.each<[string, Record<string, unknown>, unknown, Array<{ path: string; message: string }>]>([
    ['a nested required field', { type: 'object', properties: { object: { type: 'object', required: ['id'] } } }, { object: {} }, [{ path: 'events.3.data.object.id', message: "must have required property 'id'" }]],
    ['an array index', { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } }, [{ id: 1 }, { id: 'x' }], [{ path: 'events.3.data.1.id', message: 'must be integer' }]],
    ['an extra property', { type: 'object', additionalProperties: false }, { colour: 'red' }, [{ path: 'events.3.data.colour', message: 'must NOT have additional properties' }]],
    ['a key with a slash', { type: 'object', properties: { 'a/b': { type: 'string' } } }, { 'a/b': 1 }, [{ path: 'events.3.data.a/b', message: 'must be string' }]],
    ['every error, not only the first', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } }, { a: 1, b: 2 }, [{ path: 'events.3.data.a', message: 'must be string' }, { path: 'events.3.data.b', message: 'must be string' }]],
    ['a fitting value', { type: 'object' }, {}, []],
  ])('names the path of %s', async (label, schema, data, expected) => {
    const type = `paths.${label.replace(/\W+/g, '-')}`;
    expect(await store.create({ profile: 'standard', type, description: null, schema, deprecated: false, created_at: '', updated_at: '' }, 100)).toBe('created');
    schemas.invalidate();
    await schemas.refreshIfStale();
    expect(schemas.issues({ profile: 'standard', type, data }, 'events.3')).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, RegExp | null]>([
    ['an unknown type name', { type: 'strnig' }, /^schema\.type/],
    ['a non-array required', { required: 'id' }, /^schema\.required/],
    ['a reference to nowhere', { $ref: '#/definitions/missing' }, /^schema$/],
    ['two schemas with the same $id, one after the other', { $id: 'https://example.com/order', type: 'object' }, null],
    ['a valid schema', { type: 'object', properties: { id: { type: 'integer' } } }, null],
  ])('checks %s where it is registered', (_label, schema, path) => {
    const issues = schemas.schemaIssues(schema);
    if (path === null) expect(issues).toEqual([]);
    else expect(issues[0]?.path).toMatch(path);
    if (path === null) expect(schemas.schemaIssues(schema)).toEqual([]);
  });
});
