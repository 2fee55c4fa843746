import { describe, expect, it } from '@jest/globals';
import type { RegisteredEventType } from '@hookfleet/core';
import type { EventTypeStore } from '@hookfleet/store';
import { EventSchemas } from './event-schemas.js';

/** A store of registered types held in memory, whose reads can be held back to interleave a change with a load. */
function memoryStore() {
  const hash = new Map<string, string>();
  let gate: Promise<void> | undefined;
  const store = {
    async allRaw() {
      const snapshot = Object.fromEntries(hash);
      if (gate) await gate;
      return snapshot;
    },
  } as unknown as EventTypeStore;
  const register = (type: string, schema: Record<string, unknown>) => {
    const entry: RegisteredEventType = { profile: 'standard', type, description: null, schema, deprecated: false, created_at: '', updated_at: '' };
    hash.set(`standard:${type}`, JSON.stringify(entry));
  };
  const hold = () => {
    let release = () => undefined as void;
    gate = new Promise((resolve) => (release = resolve));
    return () => {
      gate = undefined;
      release();
    };
  };
  return { store, register, hold, hash };
}

async function loaded(types: Record<string, Record<string, unknown>>) {
  const { store, register } = memoryStore();
  for (const [type, schema] of Object.entries(types)) register(type, schema);
  const schemas = new EventSchemas(store, 60_000);
  await schemas.refreshIfStale();
  return schemas;
}

describe('a registered schema is applied at ingest exactly as it was checked when registered', () => {
  it.each<[string, Record<string, unknown>, unknown, Array<{ path: string; message: string }>]>([
    ['a $ref into definitions', { type: 'object', definitions: { id: { type: 'integer' } }, properties: { id: { $ref: '#/definitions/id' } } }, { id: 'x' }, [{ path: 'events.2.data.id', message: 'must be integer' }]],
    ['a $ref into $defs', { type: 'object', $defs: { id: { type: 'integer' } }, properties: { id: { $ref: '#/$defs/id' } } }, { id: 'x' }, [{ path: 'events.2.data.id', message: 'must be integer' }]],
    [
      'a recursive $ref to the schema itself',
      { type: 'object', properties: { n: { type: 'integer' }, child: { $ref: '#' } } },
      { n: 1, child: { n: 'two' } },
      [{ path: 'events.2.data.child.n', message: 'must be integer' }],
    ],
    ['a fitting value through $refs', { type: 'object', definitions: { id: { type: 'integer' } }, properties: { id: { $ref: '#/definitions/id' } } }, { id: 3 }, []],
    ['a schema of a scalar', { type: 'string', maxLength: 3 }, 'long', [{ path: 'events.2.data', message: 'must NOT have more than 3 characters' }]],
  ])('%s', async (_label, schema, data, expected) => {
    const schemas = await loaded({ 'a.b': schema });
    expect(schemas.schemaIssues(schema)).toEqual([]);
    expect(schemas.issues({ profile: 'standard', type: 'a.b', data }, 'events.2')).toEqual(expected);
  });

  it('a stored schema that cannot be compiled refuses its own type only, and every other type is still checked', async () => {
    const schemas = await loaded({ 'broken.one': { $ref: 'https://schemas.example.com/never-fetched.json' }, 'fine.one': { type: 'integer' } });
    expect(schemas.issues({ profile: 'standard', type: 'broken.one', data: 1 }, '')).toEqual([{ path: 'type', message: expect.stringContaining('cannot be used') }]);
    expect(schemas.issues({ profile: 'standard', type: 'fine.one', data: 'x' }, 'events.0')).toEqual([{ path: 'events.0.data', message: 'must be integer' }]);
    expect(schemas.issues({ profile: 'standard', type: 'not.registered', data: 'x' }, '')).toEqual([]);
  });
});

describe('a change in this process is enforced by its next event', () => {
  it('even when a load that began before the change is still under way', async () => {
    const { store, register, hold } = memoryStore();
    const schemas = new EventSchemas(store, 60_000);
    const release = hold();
    const early = schemas.refreshIfStale();
    // The type is registered (and the copy invalidated, as EventTypeService does) while that load waits on its read.
    register('late.type', { type: 'integer' });
    schemas.invalidate();
    const next = schemas.refreshIfStale();
    release();
    await early;
    await next;
    expect(schemas.issues({ profile: 'standard', type: 'late.type', data: 'x' }, '')).toEqual([{ path: 'data', message: 'must be integer' }]);
    // The early load finished last with the hash as it was before: it must not have replaced the newer copy.
    expect(schemas.refreshIfStale()).toBeUndefined();
  });
});
