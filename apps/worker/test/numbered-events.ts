import { expect } from '@jest/globals';
import type { TestFleet } from '../../../test/fleet.js';

/**
 * Numbered test events: `<type>.tick` with id `<type>-<index>` and `data.index`, so a test reads arrival order,
 * losses and duplicates from what its receiver or broker saw. A helper, not a test file.
 */
export const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, index) => from + index);

export const numberedEvent = (tenantId: string, type: string, index: number) => ({ tenant: tenantId, profile: 'standard', type: `${type}.tick`, id: `${type}-${index}`, data: { index } });

/** Publishes one numbered event on its own (POST /v1/events). */
export async function publishNumberedOne(fleet: TestFleet, tenantId: string, type: string, index: number): Promise<void> {
  expect((await fleet.call('POST', '/v1/events', numberedEvent(tenantId, type, index))).status).toBe(202);
}

/** Publishes the numbered events of `indexes` in one batch (POST /v1/events/batch). */
export async function publishNumbered(fleet: TestFleet, tenantId: string, type: string, indexes: readonly number[]): Promise<void> {
  expect((await fleet.call('POST', '/v1/events/batch', { events: indexes.map((index) => numberedEvent(tenantId, type, index)) })).status).toBe(202);
}
