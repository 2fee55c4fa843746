import { describe, expect, it } from '@jest/globals';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { fixtureEvent, fixtureSubscription } from '../fixture.js';
import { paymoProfile } from './index.js';
import { paymoSignature } from './signature.js';
import { presentPaymoHook, whereProblem } from './compat.js';
import { paymoCompatExamples, paymoTaskObject } from './fixtures.js';

const seedEvents = ['Client', 'Project', 'Tasklist', 'Task', 'Invoice', 'Entry'].flatMap((object) => ['insert', 'update', 'delete'].map((action) => `model.${action}.${object}`));

function event(partial: Partial<StoredEvent> & Pick<StoredEvent, 'type'>): StoredEvent {
  return fixtureEvent({ data: paymoTaskObject, ...partial }, 'paymo');
}
function hook(partial: Partial<Subscription> = {}): Subscription {
  return fixtureSubscription({ events: ['model.insert.Task'], compat: { id: 1, where: null }, ...partial }, 'paymo');
}

describe('paymo profile', () => {
  it('knows the seed document\'s 18 events and the ones Paymo\'s current docs add', () => {
    for (const type of seedEvents) expect(paymoProfile.isKnownEventType(type)).toBe(true);
    for (const type of ['model.insert.ClientContact', 'model.delete.InvoicePayment', 'model.update.Milestone', 'model.insert.Report', 'model.insert.Expense', 'model.update.Estimate', 'model.insert.Comment', 'model.delete.User', 'model.insert.Booking', 'model.start.Entry', 'model.stop.Entry']) {
      expect([type, paymoProfile.isKnownEventType(type)]).toEqual([type, true]);
    }
    expect(paymoProfile.isKnownEventType('model.start.Task')).toBe(false);
    expect(paymoProfile.isKnownEventType('model.insert.Unicorn')).toBe(false);
    expect(paymoProfile.events).toHaveLength(15 * 3 + 2);
  });

  it.each([
    ['*', true],
    ['model.insert.*', true],
    ['model.stop.*', true],
    ['*.Task', true],
    ['*.Entry', true],
    ['model.*.Task', false],
    ['*.Unicorn', false],
    ['model.upsert.*', false],
    ['**', false],
  ])('accepts %s as a hook event: %s', (pattern, expected) => {
    expect(paymoProfile.isValidSubscriptionEvent(pattern)).toBe(expected);
  });

  it.each([
    ['model.insert.Task', ['model.insert.Task', '*', 'model.insert.*', '*.Task']],
    ['model.delete.Client', ['model.delete.Client', '*', 'model.delete.*', '*.Client']],
    ['model.start.Entry', ['model.start.Entry', '*', 'model.start.*', '*.Entry']],
  ])('notifies %s hooks of %j', (type, patterns) => {
    expect(paymoProfile.subscriptionPatternsFor(type)).toEqual(patterns);
  });

  it('signs with HMAC-SHA1 of the exact body: the documented vector', () => {
    expect(paymoSignature('secret', '{"id":"1679584"}')).toBe('sha1=dc03736e396e70138bf7af4ffaa2948cde42dcf1');
  });

  it('sends X-Paymo-Webhook and X-Paymo-Event, and a signature only with a secret', () => {
    const now = new Date();
    const unsigned = paymoProfile.buildRequest({ deliveryId: 'dlv_1', event: event({ type: 'model.update.Task' }), subscription: hook({ events: ['*'] }), attempt: 1, now });
    expect(unsigned.headers).toEqual({ 'X-Paymo-Webhook': '1', 'X-Paymo-Event': 'model.update.Task' });
    const signed = paymoProfile.buildRequest({ deliveryId: 'dlv_1', event: event({ type: 'model.update.Task' }), subscription: hook({ secret: 'secret' }), attempt: 1, now });
    expect(signed.headers['X-Paymo-Signature']).toBe(paymoSignature('secret', signed.body));
  });

  it.each([
    [null, null, true],
    [['5', 7], '7', true],
    [['5', 7], '8', false],
    [['5'], null, false],
    [[], '5', false],
  ])('with visible_to %j, a hook created by %j gets the event: %s', (visibleTo, createdBy, expected) => {
    expect(paymoProfile.acceptsEvent(hook({ created_by: createdBy }), event({ type: 'model.insert.Task', visible_to: visibleTo }))).toBe(expected);
  });

  it.each([
    ['project_id=59032', true],
    ['project_id=123', false],
    ['project_id ~ broken', false],
    [null, true],
    ['', true],
  ])('with where %j, the seed task reaches the hook: %s', (where, expected) => {
    expect(paymoProfile.acceptsEvent(hook({ compat: { id: 1, where } }), event({ type: 'model.insert.Task' }))).toBe(expected);
  });

  it.each([
    [200, { set: { last_status_code: 200 } }],
    [500, { set: { last_status_code: 500 } }],
    [null, { set: { last_status_code: null } }],
    [410, { set: { last_status_code: 410 }, remove: true }],
  ])('after an attempt answered %s, keeps %j', (statusCode, effect) => {
    expect(paymoProfile.onAttempt({ ok: statusCode === 200, statusCode, dead: false, at: new Date() })).toEqual(effect);
  });

  it('refuses a where it cannot parse for concrete events only', () => {
    expect(whereProblem('model.insert.Task', 'project_id=123')).toBeNull();
    expect(whereProblem('model.insert.Task', 'project_id ~ 123')).toMatch(/operator/);
    expect(whereProblem('*.Task', 'project_id ~ 123')).toBeNull();
    expect(whereProblem('model.insert.Task', null)).toBeNull();
  });

  it('shows a hook as the document does, times to the second', () => {
    const subscription = hook({ url: 'https://myapp.com/paymo-insert-task-hook', created_at: '2017-01-04T13:39:40.123Z', updated_at: '2017-01-04T13:39:40.456Z' });
    const expected = { ...paymoCompatExamples.get[0]!.answer.hooks[0]!, where: null };
    expect(presentPaymoHook({ subscription, bookkeeping: { last_status_code: '200' } })).toEqual(expected);
    expect(presentPaymoHook({ subscription, bookkeeping: {} }).last_status_code).toBeNull();
  });
});
