import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, stream };
}

const SECRET_VALUES = ['whsec_topsecret', 'hfk_tenantkey', 'Bearer operator-token', 'v1,c2lnbmF0dXJl', 'sha1=abc123', 'hp-token-1', 'pw-1', 'mq-pass', 'nats-pass'];

describe('the process logger', () => {
  it('writes one JSON line per event with secrets, keys and signatures redacted', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', 'api', stream);
    logger.info(
      {
        subscription: { id: 'sub_1', secret: 'whsec_topsecret', url: 'https://example.com/hook' },
        api_key: 'hfk_tenantkey',
        request: { headers: { authorization: 'Bearer operator-token', 'content-type': 'application/json' } },
        headers: { 'webhook-signature': 'v1,c2lnbmF0dXJl', 'X-Paymo-Signature': 'sha1=abc123', 'hubplanner-token': 'hp-token-1' },
        nested: [{ password: 'pw-1' }],
        broker: { destination: { type: 'rabbitmq', url: 'amqp://app:mq-pass@mq:5672', exchange: 'x', routing_key: 'k' } },
        destination: { type: 'nats', servers: ['nats://u:nats-pass@n1:4222'], subject: 's' },
      },
      'subscription created',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    for (const value of SECRET_VALUES) expect(line).not.toContain(value);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({
      msg: 'subscription created',
      name: 'api',
      subscription: { id: 'sub_1', secret: '[redacted]', url: 'https://example.com/hook' },
    });
    expect(parsed.request.headers['content-type']).toBe('application/json');
    expect(parsed.headers['webhook-signature']).toBe('[redacted]');
  });

  it('keeps errors serialized with their message and stack', () => {
    const { lines, stream } = capture();
    createLogger('info', 'api', stream).error({ err: new Error('redis away') }, 'request failed');
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed.err).toMatchObject({ type: 'Error', message: 'redis away' });
    expect(parsed.err.stack).toContain('redis away');
  });

  it('keeps only the name of the Redis command an error carries, not its arguments (a whole Lua script)', () => {
    const { lines, stream } = capture();
    const error = Object.assign(new Error("OOM command not allowed when used memory > 'maxmemory'."), { command: { name: 'evalsha', args: ['x'.repeat(10_000), 'whsec_topsecret'] } });
    createLogger('info', 'worker', stream).warn({ err: error }, 'store error');
    const parsed = JSON.parse(lines[0] as string);
    expect(parsed.err).toMatchObject({ message: error.message, command: { name: 'evalsha' } });
    expect(parsed.err.command.args).toBeUndefined();
    expect((lines[0] as string).length).toBeLessThan(5_000);
  });
});
