import { expect } from '@jest/globals';
import type { ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import type { TestFleet } from '../../../test/fleet.js';

/** Shared steps of the per-profile delivery tests: publish, wait for a delivery's end, check a retry schedule. */

export async function publish(fleet: TestFleet, event: Record<string, unknown>): Promise<string> {
  const response = await fleet.call('POST', '/v1/events', event);
  expect([response.status, response.body]).toEqual([202, expect.objectContaining({ deduplicated: false })]);
  return response.body.id as string;
}

export async function deliveryOf(fleet: TestFleet, deliveryId: string): Promise<{ status: string; attempts: number }> {
  const response = await fleet.call('GET', `/v1/deliveries/${deliveryId}`);
  return response.body;
}

export async function waitForDeliveryStatus(fleet: TestFleet, deliveryId: string, status: 'delivered' | 'dead', timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const delivery = await deliveryOf(fleet, deliveryId);
      return delivery.status === status ? delivery : null;
    },
    { timeoutMs, message: `delivery ${deliveryId} ${status}` },
  );
}

export function gapsOf(requests: readonly ReceivedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.at - (requests[index] as ReceivedRequest).at);
}

/** How late a retry may be picked up on a loaded machine, beyond its step. */
const SCHEDULING_NOISE_MS = 1000;

/**
 * The gaps between attempts follow the ladder scaled by RETRY_DELAY_SCALE. A delay is a minimum, so each gap is at
 * least its step (less a little clock slack): a ladder that does not grow, or grows too little, fails there. Each gap is
 * at most twice its step plus scheduling noise, so a delay that jumps ahead of its step fails too. The ratios between
 * gaps are not asserted: on a loaded two-core machine a retry job's pickup may lag by hundreds of milliseconds, as
 * much as the longest steps a test at this scale can wait (a Redis Cluster run once saw the 384 ms gap outlast the
 * 768 ms one), so the ladder's timing proper belongs to `npm run bench`.
 */
export function expectGapsFollowLadder(gaps: readonly number[], ladderMs: readonly number[], scale: number): void {
  const expected = ladderMs.map((delay) => delay * scale);
  expect(gaps).toHaveLength(expected.length);
  gaps.forEach((gap, index) => {
    const step = expected[index] as number;
    expect([index, gap >= step * 0.9 - 5]).toEqual([index, true]);
    expect([index, gap <= step * 2 + SCHEDULING_NOISE_MS]).toEqual([index, true]);
  });
}

export function headerOf(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Every delivery carries these, whatever the profile (docs/contract.md, "Deliveries"). */
export function expectCommonHeaders(request: ReceivedRequest): void {
  expect(request.method).toBe('POST');
  expect(headerOf(request, 'content-type')).toBe('application/json');
  expect(headerOf(request, 'user-agent')).toMatch(/^hookfleet\//);
  expect(headerOf(request, 'webhook-id')).toMatch(/^dlv_/);
}
