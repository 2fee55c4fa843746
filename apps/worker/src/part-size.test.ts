import { describe, expect, it } from '@jest/globals';
import { AttemptPace, PART_IN_FLIGHT, PART_RECORDED_WITHIN_MS, PART_SIZE, partSizeFor } from './part-size.js';

describe('partSizeFor', () => {
  it.each([
    ['an endpoint not heard from yet: two waves', undefined, 2 * PART_IN_FLIGHT],
    ['a fast endpoint: the largest part', 2, PART_SIZE],
    ['0 ms (a broker answering at once)', 0, PART_SIZE],
    ['as many waves as fit: 8 of 50 ms', 50, PART_SIZE],
    ['7 waves of 57 ms', 57, 7 * PART_IN_FLIGHT],
    ['2 waves of 150 ms', 150, 2 * PART_IN_FLIGHT],
    ['1 wave of 200 ms', PART_RECORDED_WITHIN_MS / 2 + 1, PART_IN_FLIGHT],
    ['slower than the budget: still one wave', 5_000, PART_IN_FLIGHT],
    ['a timeout (30 s): one wave', 30_000, PART_IN_FLIGHT],
  ])('%s', (_case, typicalMs, size) => {
    expect(partSizeFor(typicalMs)).toBe(size);
  });
});

describe('AttemptPace', () => {
  it('starts from the first part and follows later ones part of the way', () => {
    const pace = new AttemptPace();
    expect(pace.typicalAttemptMs('sub_a')).toBeUndefined();
    expect(pace.partSize('sub_a')).toBe(partSizeFor(undefined));
    pace.record('sub_a', 200);
    expect(pace.typicalAttemptMs('sub_a')).toBe(200);
    expect(pace.partSize('sub_a')).toBe(PART_IN_FLIGHT * 2);
    pace.record('sub_a', 0);
    expect(pace.typicalAttemptMs('sub_a')).toBeCloseTo(140);
    // One fast part does not make a slow endpoint's parts large at once; a run of them does.
    for (let part = 0; part < 20; part += 1) pace.record('sub_a', 1);
    expect(pace.partSize('sub_a')).toBe(PART_SIZE);
    expect(pace.typicalAttemptMs('sub_b')).toBeUndefined();
  });

  it('ignores a mean that is not a time', () => {
    const pace = new AttemptPace();
    pace.record('sub_a', Number.NaN);
    pace.record('sub_a', -5);
    expect(pace.typicalAttemptMs('sub_a')).toBeUndefined();
  });
});
