import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { deliveryListQuerySchema, eventBatchSchema, eventInputSchema, recoverSchema, subscriptionCreateSchema, subscriptionPatchSchema, tenantCreateSchema, ValidationFailed, type IssueDetail } from '@hookfleet/core';
import { pollMessagesQuerySchema } from './routes/poll-messages.js';
import { parseOrThrow } from './validate.js';

function issuesOf(schema: z.ZodType, value: unknown): IssueDetail[] {
  try {
    parseOrThrow(schema, value);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.issues ?? [];
    throw error;
  }
  throw new Error('parsed without issues');
}

const event = { tenant: 't', profile: 'standard', type: 'a.b', data: {} };
const subscription = { url: 'https://example.com/hook', events: ['*'] };

describe('validation messages in plain words', () => {
  it.each<[string, z.ZodType, unknown, IssueDetail]>([
    ['a missing string', eventInputSchema, { ...event, profile: undefined }, { path: 'profile', message: 'required: a string' }],
    ['a missing value of any type', eventInputSchema, { ...event, data: undefined }, { path: 'data', message: 'required: any JSON value' }],
    ['a wrong type', eventInputSchema, { ...event, type: 5 }, { path: 'type', message: 'must be a string, not a whole number' }],
    ['an empty string', eventInputSchema, { ...event, tenant: '' }, { path: 'tenant', message: 'must not be empty' }],
    ['a string too long', eventInputSchema, { ...event, type: 'x'.repeat(201) }, { path: 'type', message: 'must be at most 200 characters' }],
    ['an empty list', subscriptionCreateSchema, { ...subscription, events: [] }, { path: 'events', message: 'must list at least 1 item' }],
    ['a list too long', eventBatchSchema, { events: Array.from({ length: 501 }, () => event) }, { path: 'events', message: 'must be at most 500 items' }],
    ['a number too small', subscriptionCreateSchema, { ...subscription, delay_seconds: -1 }, { path: 'delay_seconds', message: 'must be at least 0' }],
    ['a fraction where a whole number is wanted', subscriptionCreateSchema, { ...subscription, delay_seconds: 1.5 }, { path: 'delay_seconds', message: 'must be a whole number, not a number' }],
    ['text where a number is wanted (a query parameter)', pollMessagesQuerySchema, { limit: 'abc' }, { path: 'limit', message: 'must be a number, not text' }],
    ['a bad date-time', eventInputSchema, { ...event, occurred_at: 'yesterday' }, { path: 'occurred_at', message: 'must be an ISO-8601 date-time with a time zone, such as 2026-01-31T12:00:00Z' }],
    ['a value outside a union', subscriptionCreateSchema, { ...subscription, rate_limit: { per_hour: 5 } }, { path: 'rate_limit', message: 'does not match any of the accepted shapes' }],
    ['a list item', eventBatchSchema, { events: [{ ...event, tenant: undefined }] }, { path: 'events.0.tenant', message: 'required: a string' }],
    ['a body that is not an object', eventInputSchema, [], { path: '(body)', message: 'must be an object, not a list' }],
    ["a schema's own message, kept", eventInputSchema, { ...event, id: 'has space' }, { path: 'id', message: 'letters, digits and _ . : - only' }],
  ])('%s', (_label, schema, value, expected) => {
    expect(issuesOf(schema, value)).toContainEqual(expected);
  });

  it('never passes on the validator’s own wording', () => {
    const raw = /Invalid input|expected [a-z]+, received|Too (small|big)|>=|<=/;
    const samples: Array<[z.ZodType, unknown]> = [
      [eventInputSchema, {}],
      [eventInputSchema, { tenant: 1, profile: [], type: null, data: 1, occurred_at: 5, actor: 'x', fields_changed: 'x', visible_to: {} }],
      [subscriptionCreateSchema, { url: 5, events: [], secret: 'short', metadata: [], active: 'yes', delay_seconds: 1e9, rate_limit: 5 }],
      [subscriptionPatchSchema, { url: 'ftp://x', events: [''], description: 5 }],
      [eventBatchSchema, { events: [] }],
    ];
    for (const [schema, value] of samples) for (const issue of issuesOf(schema, value)) expect(issue.message).not.toMatch(raw);
  });
});

describe('strict create and patch bodies, and windows that make sense', () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ['a misspelt subscription field', subscriptionCreateSchema, { ...subscription, rate_limt: { per_second: 5 } }, 'rate_limt'],
    ['a misspelt patch field', subscriptionPatchSchema, { actve: false }, 'actve'],
    ['an unknown tenant field', tenantCreateSchema, { name: 'acme', plan: 'gold' }, 'plan'],
    ['an unknown field inside a rate limit', subscriptionPatchSchema, { rate_limit: { per_second: 5, burst: 9 } }, 'rate_limit.burst'],
    ['a window that ends before it starts', recoverSchema, { since: '5m', until: '10m' }, 'until'],
    ['a listing window that ends before it starts', deliveryListQuerySchema, { subscription: 'sub_1', since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'until'],
    ['a misspelt event field', eventInputSchema, { ...event, ocurred_at: '2026-01-01T00:00:00Z' }, 'ocurred_at'],
    ['a misspelt field of an event in a batch', eventBatchSchema, { events: [event, { ...event, actr: { id: 1 } }] }, 'events.1.actr'],
  ])('%s is refused by name', (_label, schema, value, path) => {
    const issues = issuesOf(schema, value);
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  it('names each unknown field on its own path', () => {
    expect(issuesOf(subscriptionCreateSchema, { ...subscription, rate_limt: 1, descripton: 'x' })).toEqual([
      { path: 'rate_limt', message: 'unknown field: remove it or check its spelling' },
      { path: 'descripton', message: 'unknown field: remove it or check its spelling' },
    ]);
  });
});
