// What the benchmark reads from Redis: its version, used memory, and memory by kind of key.

/** Parses the text of INFO into { field: value }. */
export function parseInfo(text) {
  const fields = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

export async function redisVersion(redis) {
  return parseInfo(await redis.info('server')).redis_version ?? 'unknown';
}

export async function usedMemory(redis) {
  return Number(parseInfo(await redis.info('memory')).used_memory);
}

const BULLMQ_SUFFIXES = new Set([
  'wait', 'active', 'meta', 'id', 'events', 'delayed', 'completed', 'failed', 'stalled-check', 'marker', 'prioritized',
  'pc', 'paused', 'limiter', 'stalled', 'de', 'waiting-children', 'repeat',
]);

/**
 * The kind of a key for the memory breakdown: hookfleet's own keys by their hash tag's kind and what follows it
 * (`{hookfleet:dlv:…}` → `hookfleet:dlv`, `{hookfleet:evt:…}:dedupe` → `hookfleet:evt:dedupe`), BullMQ's by queue
 * and structure (`bullmq deliveries:wait`, `bullmq deliveries job`).
 */
export function keyKind(key, queueNames = ['events', 'deliveries']) {
  const tag = /^\{([^:}]+):([^:}]+)(?::[^}]*)?\}(.*)$/.exec(key);
  if (tag) {
    const [, base, kind, rest] = tag;
    const what = rest.split(':').filter(Boolean);
    if (kind === 'ten' && what[0] === 'events') return 'events (tenant index)';
    // The subscription documents carry their id after the tag; everything else names only what it holds.
    return [base, kind, ...(kind === 'subs' ? what.slice(0, 1) : what)].join(':');
  }
  const parts = key.split(':');
  if (parts.length < 2) return key;
  const [prefix, second, third] = parts;
  if (queueNames.includes(second) && third !== undefined) {
    if (BULLMQ_SUFFIXES.has(third)) return `bullmq ${second}:${third}`;
    return `bullmq ${second} job${parts.length > 3 ? `:${parts.slice(3).join(':')}` : ''}`;
  }
  return `${prefix}:${second}`;
}

/**
 * Every key, grouped by kind, with its count and MEMORY USAGE total (a full scan: for a benchmark's Redis only).
 * @returns {Promise<Array<{ kind: string, keys: number, bytes: number }>>} largest first
 */
export async function memoryByKind(redis) {
  const kinds = new Map();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const results = (await pipeline.exec()) ?? [];
    keys.forEach((key, index) => {
      const kind = keyKind(key);
      const entry = kinds.get(kind) ?? { kind, keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += Number(results[index]?.[1] ?? 0);
      kinds.set(kind, entry);
    });
  } while (cursor !== '0');
  return [...kinds.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Markdown lines for a memory breakdown. */
export function breakdownLines(breakdown, perDivisor = null, divisorLabel = '') {
  const lines = [`| kind of key | keys | bytes (MEMORY USAGE) |${perDivisor ? ` bytes per ${divisorLabel} |` : ''}`, `| --- | ---: | ---: |${perDivisor ? ' ---: |' : ''}`];
  for (const entry of breakdown) {
    lines.push(`| ${entry.kind} | ${entry.keys.toLocaleString('en-US')} | ${entry.bytes.toLocaleString('en-US')} |${perDivisor ? ` ${(entry.bytes / perDivisor).toFixed(1)} |` : ''}`);
  }
  return lines;
}

/**
 * Redis commands since the last CONFIG RESETSTAT: per command, calls and microseconds (INFO commandstats).
 * @returns {Promise<Map<string, { calls: number, usec: number }>>}
 */
export async function commandStats(redis) {
  const stats = new Map();
  for (const [field, value] of Object.entries(parseInfo(await redis.info('commandstats')))) {
    const calls = /calls=(\d+)/.exec(value);
    const usec = /usec=(\d+)/.exec(value);
    if (calls && usec) stats.set(field.replace(/^cmdstat_/, ''), { calls: Number(calls[1]), usec: Number(usec[1]) });
  }
  return stats;
}

/** Several servers' command stats (a cluster's masters) as one: calls and time summed by command. */
export function mergeCommandStats(statsList) {
  const merged = new Map();
  for (const stats of statsList) {
    for (const [name, { calls, usec }] of stats) {
      const entry = merged.get(name) ?? { calls: 0, usec: 0 };
      merged.set(name, { calls: entry.calls + calls, usec: entry.usec + usec });
    }
  }
  return merged;
}

/** "12.0 commands (evalsha 4.0, hmget 1.0, …), 35 µs of Redis per delivery" from command stats over `count` deliveries. */
export function commandsPerDelivery(stats, count, top = 6) {
  let calls = 0;
  let usec = 0;
  for (const entry of stats.values()) {
    calls += entry.calls;
    usec += entry.usec;
  }
  const biggest = [...stats.entries()].sort((a, b) => b[1].calls - a[1].calls).slice(0, top);
  return {
    calls: calls / count,
    usec: usec / count,
    text: `${(calls / count).toFixed(1)} Redis commands per delivery (${biggest.map(([name, entry]) => `${name} ${(entry.calls / count).toFixed(2)}`).join(', ')}), ${(usec / count).toFixed(0)} µs of Redis command time per delivery`,
  };
}
