// The single-POST reference, in a process of its own (forked by bench/run.mjs): a bare Express 5 route doing one
// SET NX and one BullMQ add per event (docs/architecture.md, "Single POSTs share one pipeline": ~5,000 requests/s on this machine when idle).
// hookfleet's API does more per event (auth, zod, profile and tenant checks, metrics) and is compared with it.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const { REDIS_URL } = process.env;
if (!REDIS_URL) throw new Error('bare-ingest: REDIS_URL is required');
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const queue = new Queue('bare-events', { connection: { url: REDIS_URL }, prefix: 'bench', defaultJobOptions: { removeOnComplete: true } });

const app = express();
app.use(express.json({ limit: '1mb' }));
app.post('/v1/events', async (request, response) => {
  const id = request.body?.id ?? `evt_${randomBytes(12).toString('hex')}`;
  const fresh = await redis.set(`bench:dedupe:${id}`, '1', 'EX', 86_400, 'NX');
  if (fresh) await queue.add('match', { eventIds: [id] });
  response.status(fresh ? 202 : 200).json({ id, deduplicated: !fresh });
});
const server = app.listen(0, '127.0.0.1', () => process.send?.({ ready: true, port: server.address().port }));
server.keepAliveTimeout = 65_000;

async function stop() {
  server.close();
  server.closeAllConnections();
  await queue.close();
  redis.disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('disconnect', () => void stop());
