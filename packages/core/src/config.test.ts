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

describe('HOOKFLEET_PUBLIC_URL and HOOKFLEET_TRUST_PROXY', () => {
  it('leave the public address to each request by default, forwarded headers untrusted', () => {
    expect(loadConfig({})).toMatchObject({ publicUrl: undefined, trustProxy: false });
  });

  it.each([
    ['https://hooks.example.com', 'https://hooks.example.com'],
    ['https://hooks.example.com/', 'https://hooks.example.com'],
    ['https://example.com/hookfleet/', 'https://example.com/hookfleet'],
    ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
  ])('takes the public URL %s as the base %s', (value, base) => {
    expect(loadConfig({ HOOKFLEET_PUBLIC_URL: value }).publicUrl).toBe(base);
  });

  it.each(['hooks.example.com', 'ftp://hooks.example.com', '/portal', 'https://hooks.example.com/?a=1', 'https://hooks.example.com/#x'])(
    'refuses %s, naming the variable',
    (value) => {
      expect(() => loadConfig({ HOOKFLEET_PUBLIC_URL: value })).toThrow(/HOOKFLEET_PUBLIC_URL/);
    },
  );

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads HOOKFLEET_TRUST_PROXY=%s as %s', (value, trusted) => {
    expect(loadConfig({ HOOKFLEET_TRUST_PROXY: value }).trustProxy).toBe(trusted);
  });

  it('refuses a HOOKFLEET_TRUST_PROXY that is not a boolean', () => {
    expect(() => loadConfig({ HOOKFLEET_TRUST_PROXY: 'loopback' })).toThrow(/HOOKFLEET_TRUST_PROXY/);
  });
});
