import { ProcessGroup } from './lib/processes.mjs';
import { startReceiver } from './lib/receiver-client.mjs';
import { startRedisServer } from '../scripts/redis-server.mjs';
import { Redis } from 'ioredis';
import { withFleet, setupTenant, driveBatches, now } from './lib/measure.mjs';
import { Queue } from 'bullmq';
import { mkdirSync } from 'node:fs';
const group = new ProcessGroup();
const redisServer = await startRedisServer();
const redis = new Redis(redisServer.url);
const receiver = await startReceiver(group);
mkdirSync('/tmp/hf/tl', { recursive: true });
let seq = 0;
const ctx = { group, redis, redisUrl: redisServer.url, redisPid: redisServer.process.pid, receiver, logDir: '/tmp/hf/tl', profileDir: null, sequence: () => ++seq };
const events = Number(process.argv[2] ?? 20000);
try {
  await withFleet(ctx, { label: 'tl' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type: 'bench.tl' });
    const origPost = fleet.client.call;
    const t0 = now(); const posts = [];
    fleet.client.call = async (...a) => { const s = now(); const r = await origPost(...a); posts.push([s - t0, r.answeredAt - t0]); return r; };
    const qs = ['events', 'deliveries'].map((n) => new Queue(n, { connection: { url: redisServer.url }, prefix: 'hookfleet' }));
    const samples = []; let stop = false;
    const poll = (async () => { while (!stop) { const [e, dq] = await Promise.all(qs.map((q) => q.getJobCounts('waiting', 'active', 'delayed'))); samples.push(`${Math.round(now() - t0)}:e${e.waiting}/${e.active} d${dq.waiting}/${dq.active}/${dq.delayed}`); await new Promise((r) => setTimeout(r, 500)); } })();
    const r = await driveBatches(ctx, fleet, setup, { events, type: 'bench.tl', timeoutMs: 120000 });
    stop = true; await poll; await Promise.all(qs.map((q) => q.close()));
    console.log('queues (ms:events waiting/active deliveries waiting/active/delayed):', samples.join(' '));
    const d = await receiver.dump();
    const buckets = new Map();
    for (const t of d.times) { const b = Math.floor((t - t0) / 250); buckets.set(b, (buckets.get(b) ?? 0) + 1); }
    console.log('rate', Math.round(r.perS), 'ingest/s', Math.round(r.ingestPerS), 'cpu', JSON.stringify(r.cpu));
    console.log('posts (start→answered ms):', posts.map(([a, b]) => `${a.toFixed(0)}→${b.toFixed(0)}`).join(' '));
    console.log('arrivals per 250 ms:', [...buckets].sort((a, b) => a[0] - b[0]).map(([b, c]) => `${b * 250}:${c}`).join(' '));
  });
} finally { await group.stopAll(); redis.disconnect(); await redisServer.stop(); }
