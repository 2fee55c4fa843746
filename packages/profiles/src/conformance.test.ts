import { describe, expect, it } from '@jest/globals';
import { headerNameProblem } from '@hookfleet/core';
import { profiles } from './registry.js';
import { fixtureEvent, fixtureSubscription, type ProfileFixtures } from './fixture.js';
import { fixturesByProfile } from './fixtures-by-profile.js';

/** One suite every profile passes (docs/architecture.md, "One conformance suite"). */
describe.each(profiles.map((profile) => [profile.name, profile] as const))('profile %s conforms', (name, profile) => {
  const fixtures = fixturesByProfile[name] as ProfileFixtures;

  it('has seed fixtures', () => {
    expect(fixtures).toBeDefined();
    expect(fixtures.deliveries.length).toBeGreaterThan(0);
  });

  it('has unique event names, each one a subscription may list and, unless subscription-only, a producer may publish', () => {
    const types = profile.events.map((event) => event.type);
    expect(new Set(types).size).toBe(types.length);
    for (const event of profile.events) {
      expect(event.description.length).toBeGreaterThan(0);
      expect(profile.isValidSubscriptionEvent(event.type)).toBe(true);
      if (!event.subscriptionOnly && !profile.openCatalogue) {
        expect(profile.isKnownEventType(event.type)).toBe(true);
        expect(profile.subscriptionPatternsFor(event.type)).toContain(event.type);
      }
    }
  });

  it('builds the same request from the same fixture twice, and the body the document shows', () => {
    for (const fixture of fixtures.deliveries) {
      const event = fixtureEvent(fixture.event, name);
      const subscription = fixtureSubscription(fixture.subscription, name);
      const now = new Date(fixture.now ?? '2021-09-23T07:30:05.000Z');
      const context = { deliveryId: 'dlv_fixture', event, subscription, attempt: 1, now };
      const first = profile.buildRequest(context);
      expect(profile.buildRequest({ ...context, attempt: 2 })).toEqual(first);
      expect(first.body).toBe(JSON.stringify(fixture.body));
      expect(first.headers).toMatchObject(fixture.headers ?? {});
      expect(profile.isKnownEventType(event.type)).toBe(true);
    }
  });

  it('declares every header it builds as its own, so a subscription cannot send one of them (or is a webhook-* header)', () => {
    for (const fixture of fixtures.deliveries) {
      const built = profile.buildRequest({ deliveryId: 'dlv_fixture', event: fixtureEvent(fixture.event, name), subscription: fixtureSubscription(fixture.subscription, name), attempt: 1, now: new Date('2021-09-23T07:30:05.000Z') });
      for (const header of Object.keys(built.headers)) expect([header, headerNameProblem(header, profile.ownedHeaders)]).toEqual([header, expect.any(String)]);
    }
    for (const header of profile.ownedHeaders) expect(header).toBe(header.toLowerCase());
  });

  it('judges the fixture statuses', () => {
    for (const status of fixtures.successStatuses) expect([status, profile.isSuccess(status)]).toEqual([status, true]);
    for (const status of fixtures.failureStatuses) expect([status, profile.isSuccess(status)]).toEqual([status, false]);
  });

  it('has a finite, non-decreasing retry ladder', () => {
    expect(profile.retryDelaysMs.length).toBeGreaterThan(0);
    expect(profile.retryDelaysMs.length).toBeLessThanOrEqual(20);
    profile.retryDelaysMs.forEach((delay, index) => {
      expect(Number.isFinite(delay) && delay > 0).toBe(true);
      if (index > 0) expect(delay).toBeGreaterThanOrEqual(profile.retryDelaysMs[index - 1] as number);
    });
  });

  const routes = profile.compat?.routes ?? [];
  if (routes.length === 0) return;

  it('has a compat table whose schemas match its examples', () => {
    for (const route of routes) {
      for (const example of route.examples ?? []) {
        if (example.request !== undefined) {
          expect(route.body).toBeDefined();
          const parsed = route.body?.safeParse(example.request);
          expect([route.method, route.path, parsed?.success, parsed?.error?.issues]).toEqual([route.method, route.path, true, undefined]);
        }
        if (example.answer !== undefined) {
          expect(route.answer).toBeDefined();
          const parsed = route.answer?.safeParse(example.answer);
          expect([route.method, route.path, parsed?.success, parsed?.error?.issues]).toEqual([route.method, route.path, true, undefined]);
        }
      }
    }
  });

  it('has a mapping and a schema for every route that takes a body, and unique method + path pairs', () => {
    const keys = routes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of routes) {
      if (route.operation === 'create') expect([route.path, typeof route.toCreate, route.body !== undefined]).toEqual([route.path, 'function', true]);
      if (route.operation === 'update' || route.operation === 'replace') expect([route.path, typeof route.toUpdate, route.body !== undefined]).toEqual([route.path, 'function', true]);
      expect(route.path.startsWith('/')).toBe(true);
    }
    expect(routes.some((route) => route.operation === 'create')).toBe(true);
    expect(routes.some((route) => route.operation === 'list')).toBe(true);
    expect(routes.some((route) => route.operation === 'delete')).toBe(true);
  });
});
