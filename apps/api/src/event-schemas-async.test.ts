import { describe, expect, it } from '@jest/globals';
import type { RegisteredEventType } from '@hookfleet/core';
import type { EventTypeStore } from '@hookfleet/store';
import { EventSchemas } from './event-schemas.js';

describe('an $async schema stored before registration refused it', () => {
  it('refuses its type’s events with a path, instead of passing them all', async () => {
    const entry: RegisteredEventType = { profile: 'standard', type: 'legacy.async', description: null, schema: { $async: true, type: 'object', required: ['id'] }, deprecated: false, created_at: '', updated_at: '' };
    const store = { allRaw: async () => ({ 'standard:legacy.async': JSON.stringify(entry) }) } as unknown as EventTypeStore;
    const schemas = new EventSchemas(store, 60_000);
    await schemas.refreshIfStale();
    const issues = schemas.issues({ profile: 'standard', type: 'legacy.async', data: {} }, '');
    expect(issues).toEqual([{ path: 'type', message: expect.stringContaining('asynchronous schemas ($async) are not supported') }]);
    expect(schemas.issues({ profile: 'standard', type: 'other.type', data: {} }, '')).toEqual([]);
  });
});
