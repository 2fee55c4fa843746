import { Redis, type RedisOptions } from 'ioredis';

/** ioredis options from a redis:// or rediss:// URL, for ioredis itself and for BullMQ's `connection`. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace('/', '');
  if (db) options.db = Number(db);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * A connection for request paths: a command fails after one reconnect attempt instead of hanging,
 * so the API can answer 503 while Redis is away.
 */
export function connectRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis({
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...overrides,
  });
}
