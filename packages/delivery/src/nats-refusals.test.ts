import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { freePort, NATS_SERVER, NatsStream, uniqueName } from '../../../test/brokers.js';
import { waitFor } from '../../../test/wait.js';
import { NatsDestination } from './nats-destination.js';

const request = (body = '{"a":1}') => () => ({ body, headers: { 'webhook-id': uniqueName('dlv') } });
const options = { allowPrivateTargets: true, idleMs: 60_000, concurrency: 4, perBrokerConcurrency: 2, timeoutMs: 5_000 };

/** Messages a NATS server or a stream refuses, against the machine's NATS: each test its own stream, deleted after. */
describe('NatsDestination: messages over a limit', () => {
  const destination = new NatsDestination(options);
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  afterAll(() => destination.close());

  /** A stream of its own on the machine's server, with `limits`; deleted after the test. */
  async function streamWith(limits: Partial<StreamConfig>): Promise<string> {
    const connection = await connect({ servers: NATS_SERVER });
    const manager = await jetstreamManager(connection);
    const name = uniqueName('hookfleet-test-s');
    await manager.streams.add({ name, subjects: [`${name}.webhooks`], ...limits });
    cleanups.push(async () => {
      await manager.streams.delete(name);
      await connection.close();
    });
    return `${name}.webhooks`;
  }

  it("names the server's max_payload and the message's size, fails at once, and the connection goes on", async () => {
    const stream = await new NatsStream().start();
    cleanups.push(() => stream.close());
    const probe = await connect({ servers: NATS_SERVER });
    const maxPayload = probe.info?.max_payload ?? 0;
    await probe.close();
    const target = { url: '', destination: { type: 'nats' as const, servers: [NATS_SERVER], subject: stream.subject } };
    expect((await destination.send(target, request())).kind).toBe('answered');

    const refused = await destination.send(target, request('x'.repeat(maxPayload)));
    expect([refused.kind, refused.code]).toEqual(['error', null]);
    expect(refused.error).toMatch(new RegExp(`^the message is \\d+ bytes with its headers, over the NATS server's max_payload of ${maxPayload} bytes; not sent$`));
    expect(Number(/is (\d+) bytes/.exec(refused.error ?? '')?.[1])).toBeGreaterThan(maxPayload);
    expect(refused.durationMs).toBeLessThan(1_000);

    expect((await destination.send(target, request())).kind).toBe('answered');
    await waitFor(async () => (await stream.count()) === 2, { message: 'two messages in the stream' });
  });

  it.each([
    ['max_msg_size', { max_msg_size: 1_000 }, 'x'.repeat(2_000), /^the stream taking subject '.*' refused the message: message size exceeds maximum allowed \(the stream's max_msg_size; the message is \d+ bytes with its headers\)$/],
    ['max_msgs', { max_msgs: 1, discard: 'new' as const }, '{"a":2}', /^the stream taking subject '.*' refused the message: maximum messages exceeded \(the stream's max_msgs, with discard: new; the message is \d+ bytes with its headers\)$/],
  ])("names the stream's %s when the stream refuses the message, and the connection goes on", async (_, limits, body, expected) => {
    const subject = await streamWith(limits);
    const full = { url: '', destination: { type: 'nats' as const, servers: [NATS_SERVER], subject } };
    expect((await destination.send(full, request())).kind).toBe('answered');
    const refused = await destination.send(full, request(body));
    expect(refused.kind).toBe('error');
    expect(refused.error).toMatch(expected);
    expect(refused.error).toContain(`subject '${subject}'`);

    const other = await new NatsStream().start();
    cleanups.push(() => other.close());
    expect((await destination.send({ url: '', destination: { type: 'nats', servers: [NATS_SERVER], subject: other.subject } }, request())).kind).toBe('answered');
  });
});

describe('NatsDestination: credentials the server refuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookfleet-nats-auth-'));
  let port = 0;
  let stop: () => Promise<void> = async () => undefined;
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the server refused the credentials (or their absence), and the right ones are delivered', async () => {
    port = await freePort();
    writeFileSync(join(dir, 'server.conf'), `listen: 127.0.0.1:${port}\njetstream { store_dir: "${join(dir, 'js')}" }\nauthorization { user: hookfleet, password: right-one }\n`);
    const child = spawn('nats-server', ['-c', join(dir, 'server.conf')], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    stop = async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    };
    const server = `nats://hookfleet:right-one@127.0.0.1:${port}`;
    const admin = await waitFor(async () => connect({ servers: `127.0.0.1:${port}`, user: 'hookfleet', pass: 'right-one' }).catch(() => null), {
      message: 'the private nats-server answers',
    });
    // The stream goes with the server's store (the temp folder).
    const stream = { subject: `${uniqueName('hookfleet-test-s')}.webhooks` };
    await (await jetstreamManager(admin)).streams.add({ name: stream.subject.split('.')[0] ?? '', subjects: [stream.subject] });
    const destination = new NatsDestination(options);
    try {
      for (const servers of [[`nats://hookfleet:wrong-one@127.0.0.1:${port}`], [`nats://127.0.0.1:${port}`]]) {
        const refused = await destination.send({ url: '', destination: { type: 'nats', servers, subject: stream.subject } }, request());
        expect(refused.kind).toBe('error');
        expect(refused.error).toBe(
          "Authorization Violation: the NATS server refused the user and password (or token) of the destination's server URLs, or their absence",
        );
        expect(refused.error).not.toContain('wrong-one');
      }
      expect((await destination.send({ url: '', destination: { type: 'nats', servers: [server], subject: stream.subject } }, request())).kind).toBe('answered');
    } finally {
      await destination.close();
      await admin.close();
    }
  });
});
