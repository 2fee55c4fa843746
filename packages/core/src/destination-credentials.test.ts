import { describe, expect, it } from '@jest/globals';
import { keepStoredCredentials } from './destination-credentials.js';
import { publicDestination, withoutPassword, type Destination } from './destination-schema.js';
import { ValidationFailed } from './errors.js';

const rabbit = (url: string): Destination => ({ type: 'rabbitmq', url, exchange: 'hooks', routing_key: 'all' });
const nats = (...servers: string[]): Destination => ({ type: 'nats', servers, subject: 'hooks.all' });

describe('withoutPassword: what views show of a broker address', () => {
  it.each([
    ['amqp://app:s3cret@mq.example.com:5672/vhost', 'amqp://app:***@mq.example.com:5672/vhost'],
    ['amqps://mq.example.com', 'amqps://mq.example.com'],
    ['nats://user:pa%40ss@nats.example.com:4222', 'nats://user:***@nats.example.com:4222'],
    ['nats://s3cr3t-token@nats.example.com:4222', 'nats://***@nats.example.com:4222'],
    ['not a url', '(an unreadable address)'],
  ])('%s → %s', (address, shown) => {
    expect(withoutPassword(address)).toBe(shown);
  });

  it('redacts every server of a NATS destination', () => {
    expect(publicDestination({ url: '', destination: nats('nats://a:b@n1:4222', 'nats://n2:4222') })).toEqual(nats('nats://a:***@n1:4222', 'nats://n2:4222'));
  });
});

describe('keepStoredCredentials: a redacted password given back keeps the stored one', () => {
  it.each<[string, Destination, Destination | undefined, Destination]>([
    ['a new password is taken as given', rabbit('amqp://app:new@mq:5672'), rabbit('amqp://app:old@mq:5672'), rabbit('amqp://app:new@mq:5672')],
    ['*** keeps the stored password', rabbit('amqp://app:***@mq:5672'), rabbit('amqp://app:old@mq:5672'), rabbit('amqp://app:old@mq:5672')],
    ['no credentials stay without', rabbit('amqp://mq:5672'), rabbit('amqp://app:old@mq:5672'), rabbit('amqp://mq:5672')],
    ['each NATS server by its host', nats('nats://u:***@n1:4222', 'nats://***@n2:4222'), nats('nats://tok@n2:4222', 'nats://u:p1@n1:4222'), nats('nats://u:p1@n1:4222', 'nats://tok@n2:4222')],
    ['a NATS token kept', nats('nats://***@n2:4222'), nats('nats://tok@n2:4222'), nats('nats://tok@n2:4222')],
  ])('%s', (_, next, current, kept) => {
    expect(keepStoredCredentials(next, current)).toEqual(kept);
  });

  it.each<[string, Destination, Destination | undefined, string]>([
    ['nothing stored', rabbit('amqp://app:***@mq:5672'), undefined, 'destination.url'],
    ['another host', rabbit('amqp://app:***@other:5672'), rabbit('amqp://app:old@mq:5672'), 'destination.url'],
    ['another user', rabbit('amqp://bob:***@mq:5672'), rabbit('amqp://app:old@mq:5672'), 'destination.url'],
    ['a NATS server not stored', nats('nats://n1:4222', 'nats://u:***@n3:4222'), nats('nats://u:p@n1:4222'), 'destination.servers.1'],
  ])('refuses *** with %s, naming the field', (_, next, current, path) => {
    let thrown: unknown;
    try {
      keepStoredCredentials(next, current);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationFailed);
    expect((thrown as ValidationFailed).issues?.[0]?.path).toBe(path);
  });
});
