import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Webhook requests take milliseconds to the 15 s timeout. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
/** Lag runs from milliseconds (first attempt) to hours (the end of a retry ladder). */
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 15, 60, 300, 1800, 3600, 4 * 3600, 12 * 3600, 36 * 3600];

export type Outcome = 'success' | 'failure' | 'timeout' | 'error';

/**
 * Figures a process keeps anyway, read when /metrics is scraped (the gauges' collect callbacks): the paths that change
 * them pay nothing, and a scrape never shows a stale value.
 */
export interface ScrapeReaders {
  /** Whether this process reaches Redis (StoreReachability in packages/store/src/store-reachability.ts). */
  storeReachable(): boolean;
  /** Request slots held by requests to slow and unknown origins (DeliveryTransport.slowOriginSlotsInUse). */
  slowOriginSlots(): number;
}

/** Every metric of docs/contract.md, on one registry per process; labels never carry tenants, URLs or ids. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // Until the process wires its own: Redis not known to be reached, no slot held (the API delivers nothing).
  const readers: ScrapeReaders = { storeReachable: () => false, slowOriginSlots: () => 0 };
  const metrics = {
    registry,
    /** Where the gauges read at scrape time take their figures: each process wires what it has. */
    readAtScrape(wired: Partial<ScrapeReaders>): void {
      Object.assign(readers, wired);
    },
    eventsIngested: new Counter({ name: 'hookfleet_events_ingested_total', help: 'Events accepted by the API', labelNames: ['profile'] as const, registers }),
    eventsDeduplicated: new Counter({ name: 'hookfleet_events_deduplicated_total', help: 'Events dropped as duplicates of an id seen within 24 h', labelNames: ['profile'] as const, registers }),
    deliveriesEnqueued: new Counter({ name: 'hookfleet_deliveries_enqueued_total', help: 'Deliveries created by the matcher, or handed over to a batching subscription by the API at acceptance', labelNames: ['profile'] as const, registers }),
    deliveryAttempts: new Counter({ name: 'hookfleet_delivery_attempts_total', help: 'Delivery attempts by outcome, status class and destination kind', labelNames: ['profile', 'outcome', 'status_class', 'destination'] as const, registers }),
    deliveriesDead: new Counter({ name: 'hookfleet_deliveries_dead_total', help: 'Deliveries that ended dead: their retry ladder spent, or given up unattempted (payload expired, subscription disabled)', labelNames: ['profile'] as const, registers }),
    deliveriesThrottled: new Counter({ name: 'hookfleet_deliveries_throttled_total', help: "Deliveries held back by a subscription's rate_limit", labelNames: ['profile'] as const, registers }),
    deliveryDuration: new Histogram({ name: 'hookfleet_delivery_duration_seconds', help: 'Duration of one delivery attempt', labelNames: ['profile'] as const, buckets: DURATION_BUCKETS, registers }),
    deliveryLag: new Histogram({ name: 'hookfleet_delivery_lag_seconds', help: 'From event accepted to successful delivery', labelNames: ['profile'] as const, buckets: LAG_BUCKETS, registers }),
    pollBacklog: new Gauge({ name: 'hookfleet_poll_backlog_messages', help: 'Messages of poll subscriptions handed over and not yet acknowledged, all subscriptions together', registers }),
    pollOldestUnfetched: new Gauge({ name: 'hookfleet_poll_oldest_unfetched_seconds', help: 'Age of the oldest message no poll subscriber has acknowledged yet (0 when none waits)', registers }),
    queueJobs: new Gauge({ name: 'hookfleet_queue_jobs', help: 'BullMQ jobs by queue and state', labelNames: ['queue', 'state'] as const, registers }),
    subscriptionsDisabled: new Counter({ name: 'hookfleet_subscriptions_disabled_total', help: 'Subscriptions disabled by the pipeline (gone after a 410, failing after the profile rule) or removed', labelNames: ['profile', 'reason'] as const, registers }),
    storeWritesRefused: new Counter({ name: 'hookfleet_store_writes_refused_total', help: 'Writes Redis refused (out of memory, read-only): each one is retried, nothing accepted is dropped', registers }),
    storeWritable: new Gauge({ name: 'hookfleet_store_writable', help: 'Whether the last write this process tried was taken (1) or refused (0)', registers }),
    storeReachable: new Gauge({
      name: 'hookfleet_store_reachable',
      help: "Whether this process reaches Redis (1): its connection is up and the readiness probe's last PING is not overdue (on a Redis Cluster, every master's)",
      registers,
      collect() {
        this.set(readers.storeReachable() ? 1 : 0);
      },
    }),
    slowOriginSlots: new Gauge({
      name: 'hookfleet_slow_origin_slots',
      help: 'Request slots of this worker held by requests to slow and unknown origins (at most half of DELIVERY_CONCURRENCY, plus a quarter of that for probes of new origins)',
      registers,
      collect() {
        this.set(readers.slowOriginSlots());
      },
    }),
    httpRequestDuration: new Histogram({ name: 'hookfleet_http_request_duration_seconds', help: 'API request duration', labelNames: ['method', 'route', 'status_code'] as const, buckets: DURATION_BUCKETS, registers }),
  };
  // Writable until a write is refused.
  metrics.storeWritable.set(1);
  return metrics;
}

export type HookfleetMetrics = ReturnType<typeof createMetrics>;

export function statusClass(statusCode: number | null): string {
  return statusCode === null ? 'none' : `${Math.floor(statusCode / 100)}xx`;
}
