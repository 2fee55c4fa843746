import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

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

describe('HOOKFLEET_ADMIN_UI_ALLOW_RETRIES', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['TRUE', true],
    [' yes ', true],
    ['1', true],
  ])('reads %p as %p', (value, allowed) => {
    expect(loadConfig({ HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: value }).adminUiAllowRetries).toBe(allowed);
  });

  it('names the variable when its value is not a boolean', () => {
    expect(() => loadConfig({ HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: 'sometimes' })).toThrow(
      'invalid environment: HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: must be true or false (or 1/0, yes/no)',
    );
  });
});

describe('a bad environment value', () => {
  it.each([{ DELIVERY_CONCURRENCY: 'abc' }, { HOOKFLEET_PARTITIONS: '2', HOOKFLEET_QUEUE_PREFIX: '{hf}' }, { WORKER_PARTITIONS: '3' }])(
    'is a ConfigError, whose message is the line a process stops with (%p)',
    (env) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/^invalid environment: [A-Z_]+: /);
    },
  );
});

describe('REDIS_URL', () => {
  it.each(['redis://127.0.0.1:6379', 'rediss://user:p%40ss@redis.example.com:6380/2', 'redis://[::1]:6379', 'redis://redis'])('takes %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  it.each(['redis-host', 'localhost:6379', 'http://redis:6379', 'redis://redis:6379/zero'])('refuses %s, naming the variable', (url) => {
    expect(() => loadConfig({ REDIS_URL: url })).toThrow(/^invalid environment: REDIS_URL: must be redis:\/\//);
  });
});
