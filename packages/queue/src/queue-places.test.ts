import { describe, expect, it } from '@jest/globals';
import { deliveryQueuePlace, retryQueuePlace, sharedQueuePlace } from './queue-places.js';

describe('where the queues live', () => {
  it.each([
    [1, 0, { name: 'deliveries', prefix: 'hookfleet' }, { name: 'retries', prefix: 'hookfleet' }],
    [4, 2, { name: 'deliveries-2', prefix: 'hookfleet:{hookfleet:d:2}' }, { name: 'retries-2', prefix: 'hookfleet:{hookfleet:r:2}' }],
  ])('with %i partition(s), partition %i: its group jobs and its retry jobs each under a tag of their own', (partitions, partition, deliveries, retries) => {
    expect(deliveryQueuePlace('hookfleet', partition, partitions)).toEqual(deliveries);
    expect(retryQueuePlace('hookfleet', partition, partitions)).toEqual(retries);
  });

  it('tags the shared queues by their name only when the delivery queues are partitioned', () => {
    expect(sharedQueuePlace('hookfleet', 'events', 1)).toEqual({ name: 'events', prefix: 'hookfleet' });
    expect(sharedQueuePlace('hookfleet', 'events', 2)).toEqual({ name: 'events', prefix: 'hookfleet:{hookfleet:events}' });
  });
});
