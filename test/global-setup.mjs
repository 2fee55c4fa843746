import { startRedisServer } from '../scripts/redis-server.mjs';

/** One private Redis for the whole run unless REDIS_URL is set; each test uses its own key prefix. */
export default async function globalSetup() {
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  globalThis.__hookfleetRedis = redis;
}
