// The broker destinations' scenarios (`--scenario rabbitmq`, `--scenario nats`): fan-out 1 to a RabbitMQ queue or a
// JetStream stream on the machine's brokers, deliveries/s beside this run's HTTP fan-out 1 when it ran. Each writes
// bench/results/<name>.json and its Markdown section goes to the detail of bench/results/latest.md.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import amqplib from 'amqplib';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { batchBodies, createTenant, postBatches } from './fleet.mjs';
import { BATCH_SIZE, BATCHES_IN_FLIGHT, BODY_BYTES, now, sleep, withFleet } from './measure.mjs';
import { ratePerSecond, ratio, round } from './stats.mjs';

const RABBITMQ_URL = process.env.HOOKFLEET_BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_SERVER = process.env.HOOKFLEET_BENCH_NATS_SERVER ?? 'nats://127.0.0.1:4222';
const fmt = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/** A RabbitMQ exchange and queue of this run, consumed: arrivals counted by message id. */
async function rabbitSink() {
  const name = `hookfleet-bench-${randomBytes(4).toString('hex')}`;
  const connection = await amqplib.connect(RABBITMQ_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(name, 'direct', { durable: false });
  await channel.assertQueue(name, { durable: false });
  await channel.bindQueue(name, name, 'bench');
  const ids = new Set();
  let messages = 0;
  let lastAt = 0;
  await channel.consume(
    name,
    (message) => {
      if (!message) return;
      messages += 1;
      ids.add(message.properties.messageId);
      lastAt = now();
    },
    { noAck: true },
  );
  return {
    destination: { type: 'rabbitmq', url: RABBITMQ_URL, exchange: name, routing_key: 'bench' },
    counts: async () => ({ messages, unique: ids.size, lastAt }),
    async close() {
      await channel.deleteQueue(name);
      await channel.deleteExchange(name);
      await connection.close();
    },
  };
}

/** A JetStream stream of this run; arrivals read from its state (its duplicate window drops a repeated id). */
async function natsSink() {
  const name = `hookfleet-bench-${randomBytes(4).toString('hex')}`;
  const connection = await natsConnect({ servers: NATS_SERVER });
  const manager = await jetstreamManager(connection);
  await manager.streams.add({ name, subjects: [`${name}.bench`] });
  let lastCount = 0;
  let lastAt = 0;
  return {
    destination: { type: 'nats', servers: [NATS_SERVER], subject: `${name}.bench` },
    async counts() {
      const count = (await manager.streams.info(name)).state.messages;
      if (count !== lastCount) {
        lastCount = count;
        lastAt = now();
      }
      return { messages: count, unique: count, lastAt };
    },
    async close() {
      await manager.streams.delete(name);
      await connection.close();
    },
  };
}

/** Publishes `events` to one broker subscription and waits for every message; deliveries/s from the first POST to the last arrival. */
async function brokerScenario(ctx, name, openSink) {
  const events = ctx.sizes.fanOut1Events;
  const sink = await openSink();
  try {
    const measured = await withFleet(ctx, { label: name }, async (fleet) => {
      const tenant = await createTenant(fleet.client, `bench ${name}`);
      const type = `bench.${name}`;
      const created = await fleet.client.call('POST', '/v1/subscriptions', { tenant: tenant.id, destination: sink.destination, events: [type] });
      if (created.status !== 201) throw new Error(`POST /v1/subscriptions answered ${created.status}: ${JSON.stringify(created.body)}`);
      const bodies = batchBodies({ tenant: tenant.id, type, count: events, batchSize: BATCH_SIZE, bodyBytes: BODY_BYTES });
      const startedAt = now();
      await postBatches(fleet.client, bodies, BATCHES_IN_FLIGHT);
      const deadline = Date.now() + 60_000 + events * 2;
      let counts = await sink.counts();
      while (counts.messages < events && Date.now() < deadline) {
        await sleep(20);
        counts = await sink.counts();
      }
      // A moment more, so a late duplicate would show.
      await sleep(500);
      counts = await sink.counts();
      return { ...counts, perS: counts.messages >= events ? ratePerSecond(events, startedAt, counts.lastAt) : null };
    });
    const httpFanOut1 = ctx.fanOut1Rate ?? null;
    const results = {
      scenario: name,
      mode: ctx.mode,
      started_at: ctx.startedAt,
      events,
      body_bytes: BODY_BYTES,
      deliveries_per_s: round(measured.perS, 0),
      http_fan_out_1_per_s: round(httpFanOut1, 0),
      ratio_to_http_fan_out_1: round(ratio(measured.perS, httpFanOut1), 2),
      messages: measured.messages,
      distinct_ids: measured.unique,
    };
    writeFileSync(join(ctx.resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    const beside = httpFanOut1 ? ` (${fmt(ratio(measured.perS, httpFanOut1), 2)} × this run's HTTP fan-out 1, ${fmt(httpFanOut1)}/s)` : ' (run fan-out 1 with it for the HTTP figure beside it)';
    ctx.log(`    ${name}: ${fmt(measured.perS)} deliveries/s${beside}; ${fmt(measured.messages)} messages, ${fmt(measured.unique)} distinct ids`);
    const lines = [
      `${fmt(events)} events × 1 subscription to ${name === 'rabbitmq' ? 'a RabbitMQ queue (publisher confirms)' : 'a JetStream stream (acked publishes)'} on this machine's broker, ${BODY_BYTES}-byte signed bodies, batches of ${BATCH_SIZE}, ${BATCHES_IN_FLIGHT} requests in flight.`,
      '',
      `**${fmt(measured.perS)} deliveries/s**${beside}, from the first POST to the last message; ${fmt(measured.messages)} messages, ${fmt(measured.unique)} distinct ids (bench/results/${name}.json).`,
    ];
    return { row: null, section: { title: name, lines } };
  } finally {
    await sink.close();
  }
}

/** Registered in scenarios.mjs; run only when named (args.mjs, EXTRA_SCENARIOS). */
export const brokerScenarios = {
  rabbitmq: (ctx) => brokerScenario(ctx, 'rabbitmq', rabbitSink),
  nats: (ctx) => brokerScenario(ctx, 'nats', natsSink),
};
