import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('is empty by default: the single Redis at REDIS_URL, the prefix as given', () => {
    const config = loadConfig({});
    expect(config.redisClusterNodes).toEqual([]);
    expect(config.prefix).toBe('hookfleet');
  });

  it('parses host:port pairs, IPv6 in brackets', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379, 10.0.0.2:7000,[::1]:7001' }).redisClusterNodes).toEqual([
      { host: 'redis-1', port: 6379 },
      { host: '10.0.0.2', port: 7000 },
      { host: '::1', port: 7001 },
    ]);
  });

  it('makes the BullMQ prefix a hash tag on a cluster, unless it has one', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379' }).prefix).toBe('{hookfleet}');
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379', HOOKFLEET_QUEUE_PREFIX: 'prod' }).prefix).toBe('{prod}');
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:6379', HOOKFLEET_QUEUE_PREFIX: 'hf:{prod}' }).prefix).toBe('hf:{prod}');
  });

  it('refuses an entry that is not host:port, naming it', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-1' })).toThrow(/REDIS_CLUSTER_NODES.*"redis-1" is not host:port/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:70000' })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
