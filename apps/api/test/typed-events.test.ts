import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

describe('typed events: ingest checks data against its type’s JSON Schema before anything is stored', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const publish = (profile: string, type: string, data: unknown, extra: Record<string, unknown> = {}) =>
    fleet.call('POST', '/v1/events', { tenant: tenant.id, profile, type, data, ...extra });
  const stored = async (id: string) => (await fleet.call('GET', `/v1/events/${id}`)).status === 200;

  it.each([
    ['a Paymo delete without an id', 'paymo', 'model.delete.Task', {}, {}, [{ path: 'data.id', message: "must have required property 'id'" }]],
    ['a Paymo delete with a null id', 'paymo', 'model.delete.Invoice', { id: null }, {}, [{ path: 'data.id', message: 'must be integer' }, { path: 'data.id', message: 'must be string' }, { path: 'data.id', message: 'must match a schema in anyOf' }]],
    ['a Paymo insert whose body is not an object', 'paymo', 'model.insert.Client', [1], {}, [{ path: 'data', message: 'must be object' }]],
    ['a Forecast event with a string person id', 'forecast', 'task_updated', { id: 655383 }, { actor: { id: '50363' } }, [{ path: 'actor.id', message: 'must be integer' }]],
    ['a Forecast event with a string object id', 'forecast', 'task_created', { id: 'x' }, { actor: { id: 1 } }, [{ path: 'data.id', message: 'must be integer' }]],
    ['a Hub Planner booking.delete.multiple that is not an array', 'hubplanner', 'booking.delete.multiple', { _id: 'a' }, {}, [{ path: 'data', message: 'must be array' }]],
    ['a Gigapay object with a numeric id', 'gigapay', 'Employee.created', { id: 481272 }, {}, [{ path: 'data.id', message: 'must be string' }]],
  ])('%s is a 400 with the path', async (_label, profile, type, data, extra, issues) => {
    const id = `bad-${profile}-${type}`;
    const response = await publish(profile, type, data, { id, ...extra });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation_failed', issues });
    expect(await stored(id)).toBe(false);
  });

  it.each([
    ['a Paymo delete with an integer id', 'paymo', 'model.delete.Task', { id: 5 }, {}],
    ['a Paymo delete with the id as digits', 'paymo', 'model.delete.Task', { id: '1679584' }, {}],
    ['a Paymo insert with its object', 'paymo', 'model.insert.Task', { id: 5, name: 'Write docs' }, {}],
    ['a Forecast event with integer ids', 'forecast', 'task_updated', { id: 655383 }, { actor: { id: 50363 } }],
    ['a Forecast event without an actor', 'forecast', 'task_deleted', { id: 1 }, {}],
    ['a Hub Planner array of bookings', 'hubplanner', 'booking.delete.multiple', [{ _id: 'a' }, { _id: 'b' }], {}],
    ['a Hub Planner object', 'hubplanner', 'booking.create', { _id: 'a', title: 'x' }, {}],
    ['a standard event of an unregistered type', 'standard', 'anything.goes', 'any JSON', {}],
  ])('%s passes', async (_label, profile, type, data, extra) => {
    const response = await publish(profile, type, data, extra);
    expect(response.status).toBe(202);
  });

  it('names the event of a batch that fails its shape, and stores none of the batch', async () => {
    const good = (index: number) => ({ tenant: tenant.id, profile: 'hubplanner', type: 'booking.delete.multiple', id: `batch-${index}`, data: [{ _id: String(index) }] });
    const events = [good(0), good(1), good(2), { ...good(3), data: { _id: '3' } }, good(4)];
    const response = await fleet.call('POST', '/v1/events/batch', { events });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([{ path: 'events.3.data', message: 'must be array' }]);
    expect(await stored('batch-0')).toBe(false);
  });

  it('registers, lists, enforces, changes and deprecates a standard event type', async () => {
    const schema = {
      type: 'object',
      required: ['object'],
      properties: { object: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, total: { type: 'number', minimum: 0 } } } },
    };
    const created = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'invoice.paid', description: 'An invoice was paid', schema });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ profile: 'standard', type: 'invoice.paid', description: 'An invoice was paid', schema, deprecated: false });
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'invoice.paid', schema })).status).toBe(409);

    const bad = await publish('standard', 'invoice.paid', { object: { id: '7', total: -1 } }, { id: 'inv-bad' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      { path: 'data.object.id', message: 'must be integer' },
      { path: 'data.object.total', message: 'must be >= 0' },
    ]);
    expect(await stored('inv-bad')).toBe(false);
    const batch = await fleet.call('POST', '/v1/events/batch', {
      events: [
        { tenant: tenant.id, profile: 'standard', type: 'invoice.paid', data: { object: { id: 1 } } },
        { tenant: tenant.id, profile: 'standard', type: 'invoice.paid', data: { object: {} } },
      ],
    });
    expect(batch.body.issues).toEqual([{ path: 'events.1.data.object.id', message: "must have required property 'id'" }]);
    expect((await publish('standard', 'invoice.paid', { object: { id: 7, total: 12.5 } })).status).toBe(202);
    expect((await publish('standard', 'invoice.created', { object: { id: 'not typed' } })).status).toBe(202);

    const listed = await fleet.call('GET', '/v1/event-types?profile=standard', undefined, tenant.api_key);
    expect(listed.body.data).toContainEqual({ profile: 'standard', type: 'invoice.paid', description: 'An invoice was paid', schema, deprecated: false });

    const loosened = { type: 'object', properties: { object: { type: 'object' } } };
    const patched = await fleet.call('PATCH', '/v1/event-types/standard/invoice.paid', { schema: loosened, deprecated: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ schema: loosened, deprecated: true, description: 'An invoice was paid' });
    expect((await publish('standard', 'invoice.paid', { object: { id: 'now a string' } })).status).toBe(202);
    const relisted = await fleet.call('GET', '/v1/event-types?profile=standard', undefined, tenant.api_key);
    expect(relisted.body.data).toContainEqual(expect.objectContaining({ type: 'invoice.paid', deprecated: true, schema: loosened }));
  });

  it('refuses what cannot be registered, with paths', async () => {
    const invalid = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'order.shipped', schema: { type: 'strnig' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues[0]).toMatchObject({ path: expect.stringMatching(/^schema\.type/), message: expect.stringContaining('not a valid JSON Schema') });
    const provider = await fleet.call('POST', '/v1/event-types', { profile: 'paymo', type: 'model.insert.Task', schema: {} });
    expect(provider.status).toBe(400);
    expect(provider.body.issues).toEqual([{ path: 'profile', message: expect.stringContaining('documents its own event types') }]);
    const badType = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'no spaces allowed', schema: {} });
    expect(badType.body.issues).toEqual([{ path: 'type', message: expect.stringContaining('not a valid standard event type') }]);
    const strict = await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'order.shipped', schema: {}, colour: 'red' });
    expect(strict.body.issues).toEqual([{ path: 'colour', message: expect.stringContaining('unknown field') }]);
    expect((await fleet.call('PATCH', '/v1/event-types/standard/never.registered', { deprecated: true })).status).toBe(404);
    expect((await fleet.call('POST', '/v1/event-types', { profile: 'standard', type: 'order.shipped', schema: {} }, tenant.api_key)).status).toBe(403);
  });

  it('lists every profile’s documented shapes', async () => {
    const paymo = await fleet.call('GET', '/v1/event-types?profile=paymo', undefined, tenant.api_key);
    expect(paymo.body.data).toContainEqual({
      profile: 'paymo',
      type: 'model.delete.Task',
      description: expect.any(String),
      schema: { type: 'object', properties: { id: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] } }, required: ['id'] },
      deprecated: false,
    });
    const hubPlanner = await fleet.call('GET', '/v1/event-types?profile=hubplanner', undefined, tenant.api_key);
    expect(hubPlanner.body.data.find((entry: { type: string }) => entry.type === 'booking.delete.multiple').schema.type).toBe('array');
  });
});
