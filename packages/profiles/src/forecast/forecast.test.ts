import { describe, expect, it } from '@jest/globals';
import { fixtureEvent, fixtureSubscription } from '../fixture.js';
import { MINUTE, maxAttempts } from '../retry-ladder.js';
import { retryDelay } from '../retry-delay.js';
import { forecastProfile } from './index.js';
import { forecastEventName, forecastKindOf } from './events.js';
import { presentForecastSubscription } from './compat.js';
import { forecastCompatExamples } from './fixtures.js';

/** The ladder step after `attemptsMade` failures, without jitter; null when the ladder is spent. */
const nextRetryDelayMs = (profile: { retryDelaysMs: readonly number[] }, attemptsMade: number, scale: number) =>
  retryDelay({ ladderMs: profile.retryDelaysMs, attemptsMade, scale, random: () => 0 })?.delayMs ?? null;

describe('forecast profile', () => {
  it.each([
    ['TASK', 'UPDATE', 'task_updated'],
    ['TASK', 'CREATE', 'task_created'],
    ['TIME_REG', 'CREATE', 'time_reg_created'],
    ['PROJECT', 'DELETE', 'project_deleted'],
    ['PHASE', 'DELETE', 'phase_deleted'],
  ] as const)('names %s × %s %s', (type, event, name) => {
    expect(forecastEventName(type, event)).toBe(name);
    expect(forecastKindOf(name)).toEqual({ type, event });
  });

  it('has 4 types × 3 events', () => {
    expect(forecastProfile.events).toHaveLength(12);
    expect(forecastKindOf('task_upserted')).toBeNull();
  });

  it('retries up to 5 times after 1, 2, 3, 5 and 10 minutes, then the delivery is dead', () => {
    expect(maxAttempts(forecastProfile)).toBe(6);
    expect([1, 2, 3, 4, 5, 6].map((attempt) => nextRetryDelayMs(forecastProfile, attempt, 1))).toEqual([1 * MINUTE, 2 * MINUTE, 3 * MINUTE, 5 * MINUTE, 10 * MINUTE, null]);
  });

  it('puts the actor in person and falls back to null without one', () => {
    const request = forecastProfile.buildRequest({
      deliveryId: 'dlv_1',
      event: fixtureEvent({ type: 'phase_deleted', data: { id: 9 }, occurred_at: '2021-09-23T07:30:00.123Z' }, 'forecast'),
      subscription: fixtureSubscription({ events: ['phase_deleted'] }, 'forecast'),
      attempt: 1,
      now: new Date(),
    });
    expect(request.body).toBe('{"timestamp":"2021-09-23T07:30:00Z","event":"phase_deleted","object":{"id":9},"person":{"id":null}}');
    expect(request.headers).toEqual({});
  });

  it('sends fields_changed on updates even when the producer gave none', () => {
    const request = forecastProfile.buildRequest({
      deliveryId: 'dlv_1',
      event: fixtureEvent({ type: 'project_updated', data: { id: 3 }, actor: { id: 4 } }, 'forecast'),
      subscription: fixtureSubscription({ events: ['project_updated'] }, 'forecast'),
      attempt: 1,
      now: new Date(),
    });
    expect(JSON.parse(request.body).fields_changed).toEqual([]);
  });

  it('shows a subscription as the document does', () => {
    const subscription = fixtureSubscription({ url: 'https://domain.com/webhook/task/created', events: ['task_created'], compat: { id: 1, name: 'Task created webhook subscription' } }, 'forecast');
    expect(presentForecastSubscription({ subscription, bookkeeping: {} })).toEqual(forecastCompatExamples.get[0]!.answer);
    expect(presentForecastSubscription({ subscription: { ...subscription, active: false }, bookkeeping: {} }).active).toBe(false);
  });
});
