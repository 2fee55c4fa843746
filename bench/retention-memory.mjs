// Redis memory per retained event (1 KB payload): accepted through the same store code the API uses, with one
// delivery record each, measured as used_memory growth on a private Redis. `node bench/retention-memory.mjs [count]`
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { startRedisServer } from '../scripts/redis-server.mjs';
import { connectRedis, DeliveryStore, EventStore, Keys } from '../packages/store/dist/index.js';
import { deliveryIdFor } from '../packages/core/dist/index.js';

const count = Number(process.argv[2] ?? 20_000);
const redis = await startRedisServer();
const client = connectRedis(redis.url);
try {
  const keys = new Keys('hookfleet');
  const events = new EventStore(client, keys, 24);
  const deliveries = new DeliveryStore(client, keys, 48 * 3600);
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  const payload = { blob: randomBytes(750).toString('base64') }; // ~1 KB of JSON
  const before = await usedMemory();
  const now = Date.now();
  for (let offset = 0; offset < count; offset += 500) {
    const batch = Array.from({ length: Math.min(500, count - offset) }, (_, index) => ({
      id: `evt_retained_${offset + index}`, tenant: 'ten_sizing', profile: 'standard', type: 'sizing.event', data: payload,
      occurred_at: new Date(now).toISOString(), received_at: new Date(now + offset + index).toISOString(), actor: null, fields_changed: null, visible_to: null,
    }));
    await events.confirmEnqueued(await events.accept(batch), batch.map((event) => event.id));
    await deliveries.createPending(batch.map((event) => ({ id: deliveryIdFor(event.id, 'sub_sizing'), eventId: event.id, subscriptionId: 'sub_sizing' })));
  }
  const perEvent = Math.round(((await usedMemory()) - before) / count);
  const payloadBytes = JSON.stringify(payload).length;
  const result = { at: new Date().toISOString(), events: count, payload_bytes: payloadBytes, redis_bytes_per_retained_event: perEvent };
  writeFileSync(new URL('./results/retention-memory.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${count} events with a ${payloadBytes}-byte payload and one delivery each: ${perEvent} bytes of Redis memory per retained event`);
} finally {
  client.disconnect();
  await redis.stop();
}
