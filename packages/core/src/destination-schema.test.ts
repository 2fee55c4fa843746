import { describe, expect, it } from '@jest/globals';
import { destinationSchema } from './destination-schema.js';

describe('destinationSchema: a broker URL with another protocol', () => {
  it.each([
    [{ type: 'rabbitmq', url: 'http://mq.example.com', exchange: '', routing_key: 'a' }, ['url'], 'must be an amqp:// or amqps:// URL'],
    [{ type: 'nats', servers: ['http://nats.example.com'], subject: 'a' }, ['servers', 0], 'must be a nats:// or tls:// URL'],
  ])('%j: %s', (destination, path, message) => {
    const result = destinationSchema.safeParse(destination);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path, message })]);
  });
});
