// Whether the Redis a user named (REDIS_URL or REDIS_CLUSTER_NODES) answers, asked once before `npm start` starts
// anything: the API and the worker would otherwise wait for it, logging a connection error every few seconds, and
// the start would never end (or end in a worker's stack trace on a cluster).

const ANSWER_TIMEOUT_MS = 3_000;

/** The URL as messages show it: its password hidden. */
export function shownRedisUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** `host:port,[::1]:port` (REDIS_CLUSTER_NODES) as ioredis Cluster's startup nodes. */
function clusterNodesOf(list) {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(entry);
      return match ? { host: match[1], port: Number(match[2]) } : { host: entry, port: 6379 };
    });
}

/** A cluster takes REDIS_URL's user, password and `rediss:` (docs/contract.md, "Environment"). */
function credentialsOf(url) {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * Null when Redis answers a PING within a few seconds: the one at `url`, or with `clusterNodes` the Redis Cluster
 * they seed (credentials and TLS from `url`); otherwise why not (`connect ECONNREFUSED 127.0.0.1:6379`,
 * `WRONGPASS …`, `None of startup nodes is available`, `no answer within 3 s`).
 * @param {{ url?: string, clusterNodes?: string }} target
 * @returns {Promise<string | null>}
 */
export async function whyRedisDoesNotAnswer({ url, clusterNodes }) {
  const { Cluster, Redis } = await import('ioredis');
  const options = { lazyConnect: true, connectTimeout: ANSWER_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false };
  const redis = clusterNodes
    ? new Cluster(clusterNodesOf(clusterNodes), {
        lazyConnect: true,
        clusterRetryStrategy: () => null,
        enableOfflineQueue: false,
        redisOptions: { ...options, ...credentialsOf(url) },
      })
    : new Redis(url, { ...options, retryStrategy: () => null });
  // A single Redis's own connection error says more than the rejection (`Connection is closed.`); a cluster's
  // rejection says it best (`None of startup nodes is available`).
  let connectionError;
  redis.on('error', (error) => {
    if (!clusterNodes) connectionError ??= error.message;
  });
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ANSWER_TIMEOUT_MS / 1000} s`), ANSWER_TIMEOUT_MS);
  });
  const asked = redis
    .connect()
    .then(() => redis.ping())
    .then(
      () => null,
      (error) => connectionError ?? error.message,
    );
  try {
    return await Promise.race([asked, timedOut]);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
