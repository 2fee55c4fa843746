import { z } from 'zod';
import { MAX_PARTITIONS, parseWorkerPartitions } from './partitions.js';

/** `true`/`false`, `1`/`0` or `yes`/`no`, in any case and with white space around. */
const booleanFromEnv = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false (or 1/0, yes/no)' }))
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const numberFromEnv = (fallback: number) => z.coerce.number().finite().nonnegative().default(fallback);

export interface RedisNode {
  host: string;
  port: number;
}

/** What packages/store/src/redis.ts connects to; anything else would fail deep in a connection, with a stack trace. */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return /^rediss?:$/.test(url.protocol) && url.hostname !== '' && /^\/?\d*$/.test(url.pathname);
  } catch {
    return false;
  }
}

/** `host:port,host:port`, IPv6 hosts in brackets: the seed nodes of a Redis Cluster. */
const clusterNodesFromEnv = z
  .string()
  .transform((value, context) => {
    const nodes: RedisNode[] = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(entry);
      if (!match || Number(match[2]) > 65535) {
        context.addIssue({ code: 'custom', message: `"${entry}" is not host:port` });
        return z.NEVER;
      }
      nodes.push({ host: match[1] as string, port: Number(match[2]) });
    }
    return nodes;
  });

/**
 * An absolute http(s) URL, the address clients reach the API at (behind a proxy or load balancer). No trailing
 * slash, so `${publicUrl}/portal/` joins cleanly; a path prefix (https://example.com/hookfleet) is kept.
 */
const publicUrlFromEnv = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http:// or https:// URL' })
  .refine((value) => !/[?#]/.test(value), 'must carry no query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

/** BullMQ's Lua scripts touch every key of a queue, so on a cluster the prefix must be a hash tag. */
export function clusterQueuePrefix(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/** Every setting hookfleet reads from the environment, parsed once (docs/contract.md, "Environment"). */
export const configSchema = z.object({
  REDIS_URL: z.string().refine(isRedisUrl, 'must be redis://[user:password@]host[:port][/db], or rediss:// for TLS').default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: clusterNodesFromEnv.default([]),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOOKFLEET_ADMIN_TOKEN: z.string().optional(),
  HOOKFLEET_PUBLIC_URL: publicUrlFromEnv.optional(),
  HOOKFLEET_TRUST_PROXY: booleanFromEnv.default(false),
  WORKER_ROLES: z
    .string()
    .default('matcher,delivery')
    .transform((value) => value.split(',').map((role) => role.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['matcher', 'delivery'])).min(1)),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).default(200),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(1).default(15000),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  RETRY_DELAY_SCALE: numberFromEnv(1),
  HOOKFLEET_ALLOW_PRIVATE_TARGETS: booleanFromEnv.default(false),
  HOOKFLEET_QUEUE_PREFIX: z.string().min(1).default('hookfleet'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOOKFLEET_EVENT_RETENTION_HOURS: numberFromEnv(24),
  HOOKFLEET_TENANT_API_RATE: numberFromEnv(100),
  HOOKFLEET_TENANT_INGEST_RATE: numberFromEnv(50_000),
  HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT: z.coerce.number().int().min(1).default(10_000),
  HOOKFLEET_POLL_MAX_WAITERS: z.coerce.number().int().min(0).default(1000),
  HOOKFLEET_PARTITIONS: z.coerce.number().int().min(1).max(MAX_PARTITIONS).default(1),
  WORKER_PARTITIONS: z.string().optional(),
  HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: booleanFromEnv.default(false),
});

/**
 * Every process listens on every IPv4 interface, as a container must to be reached on its own address; no setting
 * changes it (docs/deployment.md, "Deploying hookfleet"). The processes print it beside their loopback URL.
 */
export const LISTEN_ADDRESS = '0.0.0.0';

/** A bad environment value: the process that read it stops with this message, in one line (startup-failure.ts). */
export class ConfigError extends Error {
  readonly code = 'invalid_environment';
  /** `detail`: the variable and why, `DELIVERY_CONCURRENCY: …`. */
  constructor(detail: string) {
    super(`invalid environment: ${detail}`);
    this.name = 'ConfigError';
  }
}

export type EnvConfig = z.infer<typeof configSchema>;

export interface HookfleetConfig {
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; empty: the single Redis at redisUrl. */
  redisClusterNodes: RedisNode[];
  port: number;
  adminToken: string | undefined;
  /** Base of portal links and of the OpenAPI `servers`; unset: derived from each request (see trustProxy). */
  publicUrl: string | undefined;
  /** Whether X-Forwarded-Proto/-Host (set by a proxy in front of the API) name the public address. */
  trustProxy: boolean;
  workerRoles: Array<'matcher' | 'delivery'>;
  deliveryConcurrency: number;
  deliveryTimeoutMs: number;
  metricsPort: number;
  retryDelayScale: number;
  allowPrivateTargets: boolean;
  prefix: string;
  logLevel: EnvConfig['LOG_LEVEL'];
  eventRetentionHours: number;
  /** Management requests per second per tenant key, per API process (0 = no limit). */
  tenantApiRate: number;
  /** Events per second per tenant accepted by one API process (0 = no limit). */
  tenantIngestRate: number;
  maxSubscriptionsPerTenant: number;
  /** Long-polls (GET …/messages?wait=) one API process holds open at once; one more is a 429. */
  pollMaxWaiters: number;
  /** Delivery queues, each under its own hash tag so a Redis Cluster spreads them over its shards. */
  partitions: number;
  /** The partitions this worker consumes (every one unless WORKER_PARTITIONS narrows it). */
  workerPartitions: number[];
  /** Whether the queue admin UI (/admin/queues) may retry failed jobs; read-only otherwise. */
  adminUiAllowRetries: boolean;
}

/** Parses the environment; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HookfleetConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(defined);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(detail);
  }
  const e = parsed.data;
  // The first {…} of a key picks its cluster slot: a tag in the prefix would put every partition on one shard.
  if (e.HOOKFLEET_PARTITIONS > 1 && /\{[^}]+\}/.test(e.HOOKFLEET_QUEUE_PREFIX)) {
    throw new ConfigError(
      `HOOKFLEET_QUEUE_PREFIX: "${e.HOOKFLEET_QUEUE_PREFIX}" carries a hash tag, which would put every partition on one shard; with HOOKFLEET_PARTITIONS > 1 use a plain prefix (each queue gets its own tag)`,
    );
  }
  let workerPartitions: number[];
  try {
    workerPartitions = parseWorkerPartitions(e.WORKER_PARTITIONS, e.HOOKFLEET_PARTITIONS);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    port: e.PORT,
    adminToken: e.HOOKFLEET_ADMIN_TOKEN,
    publicUrl: e.HOOKFLEET_PUBLIC_URL,
    trustProxy: e.HOOKFLEET_TRUST_PROXY,
    workerRoles: e.WORKER_ROLES,
    deliveryConcurrency: e.DELIVERY_CONCURRENCY,
    deliveryTimeoutMs: e.DELIVERY_TIMEOUT_MS,
    metricsPort: e.METRICS_PORT,
    retryDelayScale: e.RETRY_DELAY_SCALE,
    allowPrivateTargets: e.HOOKFLEET_ALLOW_PRIVATE_TARGETS,
    // One partition on a cluster: the whole prefix is the queues' tag. More: each queue carries its own (queue-places).
    prefix: e.REDIS_CLUSTER_NODES.length > 0 && e.HOOKFLEET_PARTITIONS === 1 ? clusterQueuePrefix(e.HOOKFLEET_QUEUE_PREFIX) : e.HOOKFLEET_QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    eventRetentionHours: e.HOOKFLEET_EVENT_RETENTION_HOURS,
    tenantApiRate: e.HOOKFLEET_TENANT_API_RATE,
    tenantIngestRate: e.HOOKFLEET_TENANT_INGEST_RATE,
    maxSubscriptionsPerTenant: e.HOOKFLEET_MAX_SUBSCRIPTIONS_PER_TENANT,
    pollMaxWaiters: e.HOOKFLEET_POLL_MAX_WAITERS,
    partitions: e.HOOKFLEET_PARTITIONS,
    workerPartitions,
    adminUiAllowRetries: e.HOOKFLEET_ADMIN_UI_ALLOW_RETRIES,
  };
}
