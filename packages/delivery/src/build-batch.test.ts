import { describe, expect, it } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import type { StoredEvent, Subscription } from '@hookfleet/core';
import { paymoProfile, standardProfile } from '@hookfleet/profiles';
import { batchIdOf, buildBatchRequest } from './build-batch.js';

const now = new Date('2026-12-04T10:00:00Z');
const secret = `whsec_${Buffer.from('a secret of twenty-four!').toString('base64')}`;
const subscription = {
  id: 'sub_1',
  tenant: 't',
  profile: 'standard',
  url: 'http://127.0.0.1/',
  events: ['*'],
  secret,
  headers: { 'X-Env': 'prod' },
  timeout_ms: 2500,
} as unknown as Subscription;
const event = (n: number): StoredEvent => ({
  id: `evt_${n}`,
  tenant: 't',
  profile: 'standard',
  type: 'order.created',
  data: { n },
  occurred_at: '2026-12-04T09:59:59.000Z',
  received_at: '2026-12-04T09:59:59.000Z',
  actor: null,
  fields_changed: null,
  visible_to: null,
});
const members = [1, 2, 3].map((n) => ({ deliveryId: `dlv_${n}`, event: event(n), attempt: 1 }));

describe('buildBatchRequest', () => {
  it('sends the members’ own bodies with their delivery ids, signed once over the whole array', () => {
    const batchId = batchIdOf(members);
    const request = buildBatchRequest(standardProfile, subscription, members, batchId, now);
    expect(JSON.parse(request.body)).toEqual(
      members.map(({ deliveryId, event: { data } }) => ({ id: deliveryId, type: 'order.created', timestamp: '2026-12-04T09:59:59.000Z', data })),
    );
    const timestamp = String(now.getTime() / 1000);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${batchId}.${timestamp}.${request.body}`).digest('base64');
    expect(request.headers).toEqual({ 'X-Env': 'prod', 'webhook-id': batchId, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${expected}` });
    expect(request.timeoutMs).toBe(2500);
  });

  it.each([
    [[members[0], members[1]], [members[0], members[1]], true],
    [[members[0], members[1]], [members[0], members[2]], false],
    [[members[0]], [{ ...members[0], attempt: 2 }], true],
  ])('batch ids: %j and %j alike: %s', (left, right, same) => {
    expect(batchIdOf(left as typeof members) === batchIdOf(right as typeof members)).toBe(same);
  });

  it('keeps the batch ids of earlier versions: a sha256 over each member id ended by a NUL', () => {
    const earlier = createHash('sha256');
    for (const { deliveryId } of members) earlier.update(deliveryId).update('\0');
    expect(batchIdOf(members)).toBe(`batch_${earlier.digest('base64url').slice(0, 24)}`);
  });

  it('refuses a profile that cannot sign a batch', () => {
    expect(() => buildBatchRequest(paymoProfile, { ...subscription, profile: 'paymo' }, members, 'batch_x', now)).toThrow(/cannot sign a batch/);
  });
});
