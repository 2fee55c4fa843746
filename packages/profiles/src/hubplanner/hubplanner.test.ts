import { describe, expect, it } from '@jest/globals';
import { fixtureEvent, fixtureSubscription } from '../fixture.js';
import { hubPlannerProfile } from './index.js';
import { companyIdFor, presentHubPlannerSubscription } from './compat.js';
import { hubPlannerSeedBodies as seed } from './seed-bodies.js';

const seedEvents = ['project.update', 'resource.update', 'booking.create', 'timeEntry.create', 'timeEntry.update', 'timeEntry.create.update', 'timeEntry.delete', 'booking.update', 'booking.delete', 'booking.delete.multiple'];

function build(type: string, data: unknown, events: string[], secret: string | null = null) {
  return hubPlannerProfile.buildRequest({
    deliveryId: 'dlv_1',
    event: fixtureEvent({ type, data }, 'hubplanner'),
    subscription: fixtureSubscription({ events, secret }, 'hubplanner'),
    attempt: 1,
    now: new Date(),
  });
}

describe('hub planner profile', () => {
  it('lists the ten events of the document, in its order', () => {
    expect(hubPlannerProfile.events.map((event) => event.type)).toEqual(seedEvents);
  });

  it.each([
    ['timeEntry.create', ['timeEntry.create', 'timeEntry.create.update']],
    ['timeEntry.update', ['timeEntry.update', 'timeEntry.create.update']],
    ['timeEntry.delete', ['timeEntry.delete']],
    ['booking.delete.multiple', ['booking.delete.multiple']],
    ['timeEntry.create.update', []],
  ])('an event %s reaches subscriptions to %j', (type, patterns) => {
    expect(hubPlannerProfile.subscriptionPatternsFor(type)).toEqual(patterns);
  });

  it('takes timeEntry.create.update as a subscription, not as a published event', () => {
    expect(hubPlannerProfile.isValidSubscriptionEvent('timeEntry.create.update')).toBe(true);
    expect(hubPlannerProfile.isKnownEventType('timeEntry.create.update')).toBe(false);
  });

  it.each([
    [200, true],
    [201, true],
    [204, true],
    [202, false],
    [203, false],
    [206, false],
    [299, false],
    [500, false],
  ])('hub planner treats %i as success=%s', (status, expected) => {
    expect(hubPlannerProfile.isSuccess(status)).toBe(expected);
  });

  it('says "timeEntry.create.update" in the body of a create or an update sent to such a subscription', () => {
    for (const type of ['timeEntry.create', 'timeEntry.update']) {
      const body = JSON.parse(build(type, { minutes: '180' }, ['timeEntry.create.update']).body);
      expect(body).toEqual({ event: 'timeEntry.create.update', minutes: '180' });
    }
    expect(JSON.parse(build('timeEntry.create', { minutes: '180' }, ['timeEntry.create', 'timeEntry.create.update']).body).event).toBe('timeEntry.create');
  });

  it('adds event to every booking of booking.delete.multiple, which is one array', () => {
    const bookings = seed['booking.delete.multiple'].map(({ event: _event, ...booking }) => booking);
    const body = JSON.parse(build('booking.delete.multiple', bookings, ['booking.delete.multiple']).body);
    expect(body).toEqual(seed['booking.delete.multiple']);
  });

  it.each(Object.keys(seed) as Array<keyof typeof seed>)('delivers %s published without `event` byte for byte as the document prints it', (type) => {
    const withoutEvent = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([key]) => key !== 'event'));
    const example: unknown = seed[type];
    const data = Array.isArray(example) ? example.map(withoutEvent) : withoutEvent(example as Record<string, unknown>);
    const published = type === 'timeEntry.create.update' ? 'timeEntry.update' : type;
    expect(build(published, data, [type]).body).toBe(JSON.stringify(example));
  });

  it('sends authorization_token as the hubplanner-token header, and nothing without one', () => {
    expect(build('project.update', {}, ['project.update'], 'secret-token-123').headers).toEqual({ 'hubplanner-token': 'secret-token-123' });
    expect(build('project.update', {}, ['project.update']).headers).toEqual({});
  });

  it('shows a subscription as the document\'s create answer does', () => {
    const subscription = fixtureSubscription(
      { url: 'http://mydomain.hubplanner.com/webhooks_listener', events: ['project.update'], secret: 'secret-token-123', created_at: '2017-06-01T10:56:34.088Z', compat: { _id: '448847eea20e6d05bc53a49a', companyId: '59841c04844e6738c8d45123' } },
      'hubplanner',
    );
    expect(presentHubPlannerSubscription({ subscription, bookkeeping: {} })).toEqual({
      _id: '448847eea20e6d05bc53a49a',
      companyId: '59841c04844e6738c8d45123',
      creationDate: '2017-06-01T10:56:34.088Z',
      target_url: 'http://mydomain.hubplanner.com/webhooks_listener',
      event: 'project.update',
      authorization_token: 'secret-token-123',
    });
    expect(companyIdFor('ten_1')).toMatch(/^[0-9a-f]{24}$/);
    expect(companyIdFor('ten_1')).toBe(companyIdFor('ten_1'));
  });
});
