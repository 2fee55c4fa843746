import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { standardProfile } from './index.js';
import { maxAttempts, MINUTE, HOUR, SECOND } from '../retry-ladder.js';
import { retryDelay } from '../retry-delay.js';

/** The ladder step after `attemptsMade` failures, without jitter; null when the ladder is spent. */
const nextRetryDelayMs = (profile: { retryDelaysMs: readonly number[] }, attemptsMade: number, scale: number) =>
  retryDelay({ ladderMs: profile.retryDelaysMs, attemptsMade, scale, random: () => 0 })?.delayMs ?? null;

const event: StoredEvent = {
  id: 'evt_1',
  tenant: 'ten_1',
  profile: 'standard',
  type: 'invoice.paid',
  data: { invoice: 'inv_1', amount: 4200 },
  occurred_at: '2026-11-24T10:00:00.000Z',
  received_at: '2026-11-24T10:00:00.010Z',
  actor: null,
  fields_changed: null,
  visible_to: null,
};

const subscription = { id: 'sub_1', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', events: ['invoice.*'] } as Subscription;

describe('standard profile', () => {
  it('sends { type, timestamp, data } signed so that standardwebhooks verifies it', () => {
    const now = new Date();
    const request = standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription, attempt: 1, now });
    expect(JSON.parse(request.body)).toEqual({ type: 'invoice.paid', timestamp: '2026-11-24T10:00:00.000Z', data: { invoice: 'inv_1', amount: 4200 } });
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    const verified = new Webhook(subscription.secret as string).verify(request.body, { 'webhook-id': 'dlv_1', ...request.headers });
    expect(verified).toEqual(JSON.parse(request.body));
  });

  it('builds the same signature for the same inputs', () => {
    const now = new Date('2026-11-24T10:00:05Z');
    const first = standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription, attempt: 1, now });
    const second = standardProfile.buildRequest({ deliveryId: 'dlv_1', event, subscription, attempt: 2, now });
    expect(second).toEqual(first);
  });

  it.each([
    [200, true],
    [204, true],
    [299, true],
    [199, false],
    [301, false],
    [400, false],
    [410, false],
    [500, false],
  ])('judges HTTP %i as success=%s', (status, expected) => {
    expect(standardProfile.isSuccess(status)).toBe(expected);
  });

  it('retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 8 attempts', () => {
    expect(standardProfile.retryDelaysMs).toEqual([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(maxAttempts(standardProfile)).toBe(8);
    expect(nextRetryDelayMs(standardProfile, 1, 1)).toBe(5000);
    expect(nextRetryDelayMs(standardProfile, 2, 0.001)).toBe(300);
    expect(nextRetryDelayMs(standardProfile, 7, 1)).toBe(10 * HOUR);
    expect(nextRetryDelayMs(standardProfile, 8, 1)).toBeNull();
    expect(nextRetryDelayMs(standardProfile, 0, 1)).toBeNull();
  });

  it.each([
    ['invoice.paid', ['invoice.paid', '*', 'invoice.*']],
    ['a.b.c', ['a.b.c', '*', 'a.*', 'a.b.*']],
    ['ping', ['ping', '*']],
  ])('lets %s be matched by %j', (type, patterns) => {
    expect([...standardProfile.subscriptionPatternsFor(type)].sort()).toEqual([...patterns].sort());
  });

  it.each([
    ['invoice.paid', true],
    ['*', true],
    ['invoice.*', true],
    ['in voice', false],
    ['invoice..paid', false],
    ['', false],
  ])('accepts %j as a subscription event: %s', (pattern, expected) => {
    expect(standardProfile.isValidSubscriptionEvent(pattern)).toBe(expected);
  });

  it('generates whsec_ secrets that standardwebhooks accepts', () => {
    const secret = standardProfile.generateSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(() => new Webhook(secret)).not.toThrow();
  });
});

describe('standard bookkeeping', () => {
  const at = new Date();
  it.each([
    ['a 410 disables the subscription as gone', { ok: false, statusCode: 410, dead: false, at }, { disable: 'gone' }],
    ['a failure that is not final changes nothing', { ok: false, statusCode: 500, dead: false, at }, {}],
    ['a dead delivery counts', { ok: false, statusCode: 500, dead: true, at }, { increment: { consecutive_dead: 1 } }],
    ['a success resets the count', { ok: true, statusCode: 200, dead: false, at }, { set: { consecutive_dead: 0 } }],
  ] as const)('%s', (_label, outcome, expected) => {
    expect(standardProfile.onAttempt(outcome)).toEqual(expected);
  });

  it.each([
    [{}, null],
    [{ consecutive_dead: '19' }, null],
    [{ consecutive_dead: '20' }, 'failing'],
    [{ consecutive_dead: '25' }, 'failing'],
  ] as const)('stored %j disables as %s', (bookkeeping, expected) => {
    expect(standardProfile.disableWhen({ ...bookkeeping })).toBe(expected);
  });
});

describe('standard profile: which secrets can sign', () => {
  it.each([
    ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true],
    ['whsec_abcdefghijkl', true],
    ['my-webhook-secret', false],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    ['whsec_my-webhook-secret', false],
    ['whsec_topsecret', true],
    ['whsec_', false],
  ])('%j can sign: %s', (secret, signs) => {
    const problem = standardProfile.secretProblem?.(secret) ?? null;
    expect(problem === null).toBe(signs);
    if (!signs) expect(problem).toMatch(/whsec_ followed by a base64-encoded key/);
    // The check agrees with the signer: a secret it accepts signs, one it refuses would throw in the worker.
    if (signs) expect(() => standardProfile.buildRequest({ deliveryId: 'dlv_1', event: { type: 'a.b', occurred_at: '', data: {} } as never, subscription: { secret } as never, attempt: 1, now: new Date() })).not.toThrow();
  });
});
