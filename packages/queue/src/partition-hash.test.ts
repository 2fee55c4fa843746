import { describe, expect, it } from '@jest/globals';
import { partitionOf } from './partition-hash.js';

const ids = Array.from({ length: 4000 }, (_, index) => `sub_${index.toString(36).padStart(9, '0')}${(index * 7919).toString(16)}`);

describe('the partition of a subscription', () => {
  it('is the same in every process and every run', () => {
    // Fixed values: a change here would move live subscriptions (and their ordered backlogs) to other partitions.
    const sample = ['sub_a', 'sub_b', 'sub_c', 'sub_d', 'sub_e', 'sub_f'];
    expect(sample.map((id) => partitionOf(id, 8))).toEqual([5, 5, 3, 7, 6, 6]);
    expect(sample.map((id) => partitionOf(id, 4))).toEqual([3, 0, 3, 3, 0, 2]);
    expect(partitionOf('sub_a', 1)).toBe(0);
    expect(partitionOf('sub_a', 0)).toBe(0);
  });

  it.each([2, 3, 4, 16])('stays within %i partitions and spreads evenly', (partitions) => {
    const counts = new Array<number>(partitions).fill(0);
    for (const id of ids) {
      const partition = partitionOf(id, partitions);
      expect(Number.isInteger(partition) && partition >= 0 && partition < partitions).toBe(true);
      counts[partition] = (counts[partition] ?? 0) + 1;
    }
    const even = ids.length / partitions;
    for (const count of counts) expect(Math.abs(count - even) / even).toBeLessThan(0.15);
  });

  it('moves only the subscriptions that go to the new partition when one is added', () => {
    for (const partitions of [1, 2, 3, 4, 7]) {
      for (const id of ids) {
        const before = partitionOf(id, partitions);
        const after = partitionOf(id, partitions + 1);
        if (after !== before) expect(after).toBe(partitions);
      }
    }
  });
});
