import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';
import { parseWorkerPartitions } from './partitions.js';

describe('WORKER_PARTITIONS', () => {
  it.each([
    [undefined, 4, [0, 1, 2, 3]],
    ['', 4, [0, 1, 2, 3]],
    ['0,2', 4, [0, 2]],
    ['0-1', 4, [0, 1]],
    [' 3 , 0-1 ,1 ', 4, [0, 1, 3]],
    ['2-2', 4, [2]],
    ['0', 1, [0]],
  ])('%j of %i partitions is %j', (value, partitions, expected) => {
    expect(parseWorkerPartitions(value, partitions)).toEqual(expected);
  });

  it.each([
    ['4', 4, /partition 4 does not exist \(HOOKFLEET_PARTITIONS=4: 0-3\)/],
    ['0-7', 4, /partition 7 does not exist/],
    ['a', 4, /"a" is not a partition index or range/],
    ['1,,2', 4, /"" is not a partition index or range/],
    ['-1', 4, /"-1" is not a partition index or range/],
    ['3-1', 4, /the range "3-1" runs backwards/],
    ['1.5', 4, /"1.5" is not/],
  ])('%j of %i partitions is a config error', (value, partitions, message) => {
    expect(() => parseWorkerPartitions(value, partitions)).toThrow(message);
  });

  it('is checked against HOOKFLEET_PARTITIONS when the config loads', () => {
    expect(loadConfig({ HOOKFLEET_PARTITIONS: '4', WORKER_PARTITIONS: '0,2' })).toMatchObject({ partitions: 4, workerPartitions: [0, 2] });
    expect(loadConfig({})).toMatchObject({ partitions: 1, workerPartitions: [0] });
    expect(() => loadConfig({ WORKER_PARTITIONS: '1' })).toThrow('invalid environment: WORKER_PARTITIONS: partition 1 does not exist (HOOKFLEET_PARTITIONS=1: 0-0)');
    expect(() => loadConfig({ HOOKFLEET_PARTITIONS: '0' })).toThrow(/invalid environment: HOOKFLEET_PARTITIONS/);
    expect(() => loadConfig({ HOOKFLEET_PARTITIONS: '1000' })).toThrow(/invalid environment: HOOKFLEET_PARTITIONS/);
  });

  it('refuses a hash-tagged queue prefix with more than one partition: every partition would land on one shard', () => {
    expect(() => loadConfig({ HOOKFLEET_PARTITIONS: '2', HOOKFLEET_QUEUE_PREFIX: '{hookfleet}' })).toThrow(/HOOKFLEET_QUEUE_PREFIX/);
    expect(loadConfig({ HOOKFLEET_PARTITIONS: '1', HOOKFLEET_QUEUE_PREFIX: '{hookfleet}' }).prefix).toBe('{hookfleet}');
  });
});
