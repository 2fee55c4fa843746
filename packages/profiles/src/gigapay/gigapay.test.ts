import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { fixtureEvent, fixtureSubscription } from '../fixture.js';
import { maxAttempts, MINUTE } from '../retry-ladder.js';
import { gigapayProfile } from './index.js';
import { gigapaySignature } from './signature.js';
import { gigapayPage } from './pagination.js';
import { gigapayError } from './errors.js';
import { generateGigapaySecretKey } from './secret-key.js';

describe('gigapay profile', () => {
  it('signs t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body"> with the secret_key', () => {
    const now = new Date('2020-03-04T13:08:21.999Z');
    const signature = gigapaySignature('c1329a085d65f7757838df5920fdcc9a', '{"id":"1"}', now);
    const expected = createHmac('sha256', 'c1329a085d65f7757838df5920fdcc9a').update('1583327301.{"id":"1"}').digest('hex');
    expect(signature).toBe(`t=1583327301,v1=${expected}`);
  });

  it('retries 10 times with exponential backoff: 1, 2, 4 … 512 minutes', () => {
    expect(maxAttempts(gigapayProfile)).toBe(11);
    expect(gigapayProfile.retryDelaysMs).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((minutes) => minutes * MINUTE));
  });

  it('generates 32-character secret keys', () => {
    const keys = new Set(Array.from({ length: 50 }, generateGigapaySecretKey));
    expect(keys.size).toBe(50);
    for (const key of keys) expect(key).toMatch(/^[a-z2-7]{32}$/);
  });

  it.each([
    [null, 'Payout.created', '', true],
    [['int-1'], 'Payout.created', 'int-1', true],
    [['int-1'], 'Payout.created', 'int-2', false],
    [['int-1'], 'Payout.created', '', false],
    [['int-1'], 'Registration.verified', '', true],
  ])('an event visible to %j of type %s reaches a webhook of integration %j: %s', (visibleTo, type, integration, expected) => {
    const event = fixtureEvent({ type, data: {}, visible_to: visibleTo }, 'gigapay');
    const subscription = fixtureSubscription({ events: [type], compat: { integration_id: integration } }, 'gigapay');
    expect(gigapayProfile.acceptsEvent(subscription, event)).toBe(expected);
  });

  const items = Array.from({ length: 5 }, (_, index) => ({ n: index }));
  const url = 'https://api.example/gigapay/v2/webhooks/';
  it.each([
    [{}, 200, { count: 5, next: null, previous: null, results: items }],
    [{ page_size: '2' }, 200, { count: 5, next: `${url}?page=2&page_size=2`, previous: null, results: items.slice(0, 2) }],
    [{ page: '2', page_size: '2' }, 200, { count: 5, next: `${url}?page=3&page_size=2`, previous: `${url}?page=1&page_size=2`, results: items.slice(2, 4) }],
    [{ page: '3', page_size: '2' }, 200, { count: 5, next: null, previous: `${url}?page=2&page_size=2`, results: items.slice(4) }],
    [{ page: '4', page_size: '2' }, 404, { detail: 'Invalid page.' }],
    [{ page: '0' }, 404, { detail: 'Invalid page.' }],
    [{ page: 'x' }, 404, { detail: 'Invalid page.' }],
  ])('pages %j as %i %j', (query, status, body) => {
    expect(gigapayPage(items, { query, url }, 200)).toEqual({ status, body });
  });

  it('pages an empty list as one empty page', () => {
    expect(gigapayPage([], { query: {}, url }, 200)).toEqual({ status: 200, body: { count: 0, next: null, previous: null, results: [] } });
  });

  it.each([
    [{ status: 400, code: 'validation_failed', message: 'x', issues: [{ path: 'url', message: 'Enter a valid URL.' }, { path: 'events.0', message: 'bad' }, { path: '', message: 'Integration-ID' }] }, { url: ['Enter a valid URL.'], events: ['bad'], non_field_errors: ['Integration-ID'] }],
    [{ status: 401, code: 'unauthorized', message: 'missing credentials' }, { detail: 'Authentication credentials were not provided.' }],
    [{ status: 401, code: 'unauthorized', message: 'invalid credentials' }, { detail: 'Invalid token.' }],
    [{ status: 404, code: 'not_found', message: 'webhook 1 not found' }, { detail: 'Not found.' }],
    [{ status: 409, code: 'conflict', message: 'busy' }, { detail: 'busy' }],
  ])('renders %j as %j', (failure, body) => {
    expect(gigapayError(failure)).toEqual({ status: failure.status, body });
  });

  it('renders fields named after members of Object (constructor, __proto__) as fields like any other', () => {
    const failure = { status: 400, code: 'validation_failed', message: 'x', issues: [{ path: 'constructor.a.a', message: 'nests deeper than 64 levels' }, { path: '__proto__', message: 'bad' }] };
    const answer = gigapayError(failure);
    expect(answer.status).toBe(400);
    expect(JSON.parse(JSON.stringify(answer.body))).toEqual({ constructor: ['nests deeper than 64 levels'], ['__proto__']: ['bad'] });
  });

  it('sends no Gigapay-Signature without a secret_key', () => {
    const request = gigapayProfile.buildRequest({
      deliveryId: 'dlv_1',
      event: fixtureEvent({ type: 'Payout.created', data: { id: 'p1' } }, 'gigapay'),
      subscription: fixtureSubscription({ events: ['Payout.created'], secret: null }, 'gigapay'),
      attempt: 1,
      now: new Date(),
    });
    expect(request).toEqual({ body: '{"id":"p1"}', headers: {} });
  });
});
