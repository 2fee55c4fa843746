import { describe, expect, it } from '@jest/globals';
import { TargetNotAllowed } from '@hookfleet/core';
import { assertBrokerAddressesAllowed, brokerMessage, describeBrokerFailure } from './broker-message.js';
import { natsConnectOptions } from './nats-destination.js';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });
const URL_WITH_PASSWORD = 'amqp://app:s3cr%2Ft@mq.example.com:5672';

describe('describeBrokerFailure: why a publish failed, never with a credential', () => {
  it.each([
    [systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5672'), 'Could not connect to amqp://app:***@mq.example.com:5672: connection refused'],
    [
      new Error(`Expected amqp: or amqps: as the protocol; got ${URL_WITH_PASSWORD}`),
      'Expected amqp: or amqps: as the protocol; got amqp://app:***@mq.example.com:5672',
    ],
    [new Error('login failed with password s3cr/t'), 'login failed with password ***'],
    [
      new Error('Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange \'x\'"'),
      'Channel closed by server: 404 (NOT-FOUND) with message "NOT_FOUND - no exchange \'x\'"',
    ],
    [Object.assign(new Error('timeout'), { name: 'TimeoutError' }), 'timed out'],
  ])('%s → %s', (error, message) => {
    expect(describeBrokerFailure(error, [URL_WITH_PASSWORD])).toBe(message);
  });
});

describe('brokerMessage: the signed body and every webhook header', () => {
  it('carries the body bytes, the delivery id as message id and header, and a content type', () => {
    const message = brokerMessage({ body: '{"a":1}', headers: { 'webhook-id': 'dlv_1', 'webhook-signature': 'v1,abc', 'webhook-timestamp': '1' } });
    expect(message.body.toString('utf8')).toBe('{"a":1}');
    expect(message.messageId).toBe('dlv_1');
    expect(message.headers).toEqual({ 'content-type': 'application/json', 'webhook-id': 'dlv_1', 'webhook-signature': 'v1,abc', 'webhook-timestamp': '1' });
  });
});

describe('natsConnectOptions: servers for the client, credentials apart', () => {
  it.each([
    [['nats://n1:4222', 'nats://n2'], { servers: ['n1:4222', 'n2:4222'] }],
    [['nats://u:p%40ss@n1:4222', 'nats://n2:4223'], { servers: ['n1:4222', 'n2:4223'], user: 'u', pass: 'p@ss' }],
    [['tls://tok@n1:4443'], { servers: ['n1:4443'], token: 'tok', tls: {} }],
    [['nats://[::1]:4222'], { servers: ['[::1]:4222'] }],
  ])('%j → %j', (servers, options) => {
    expect(natsConnectOptions(servers)).toEqual(options);
  });
});

describe('assertBrokerAddressesAllowed: the address rules of HTTP targets', () => {
  it.each([
    [['amqp://guest:guest@127.0.0.1:5672'], 'public', 'target address 127.0.0.1 is not allowed'],
    [['nats://n1.example.invalid:4222', 'nats://169.254.169.254:4222'], 'private', 'target address 169.254.169.254 is not allowed'],
    [['amqp://u:p@localhost:5672'], 'public', 'target host localhost is not allowed'],
  ] as const)('%j (%s) refused: %s', async (addresses, policy, message) => {
    await expect(assertBrokerAddressesAllowed(addresses, policy)).rejects.toThrow(new TargetNotAllowed(message));
  });

  it('lets private hosts through where they are allowed', async () => {
    await expect(assertBrokerAddressesAllowed(['amqp://guest:guest@127.0.0.1:5672', 'nats://127.0.0.1:4222'], 'private')).resolves.toBeUndefined();
  });
});
