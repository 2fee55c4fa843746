import { createServer } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { DeliveryTimeout } from './response-collector.js';
import { ConnectionClosed } from './http1-pool.js';
import { TargetNotAllowed } from '@hookfleet/core';
import { describeFailure } from './failure-message.js';
import { DeliveryTransport } from './transport.js';

const systemError = (code: string, message: string) => Object.assign(new Error(message), { code });
const ORIGIN = 'https://hooks.example.com';

describe('describeFailure: an attempt without an answer, said once and plainly', () => {
  it.each([
    [systemError('ECONNREFUSED', 'connect ECONNREFUSED 93.184.216.34:443'), 'Could not connect to https://hooks.example.com: connection refused'],
    [systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND hooks.example.com'), 'Could not connect to https://hooks.example.com: its host name does not resolve'],
    [systemError('ECONNRESET', 'read ECONNRESET'), 'Could not connect to https://hooks.example.com: the connection was reset'],
    [systemError('CERT_HAS_EXPIRED', 'certificate has expired'), 'Could not connect to https://hooks.example.com: its TLS certificate has expired'],
    [new ConnectionClosed('closed'), 'Could not connect to https://hooks.example.com: the endpoint closed the connection without an answer'],
    [
      new ConnectionClosed('closed', 'ERR_ANSWER_CUT_SHORT'),
      'Could not connect to https://hooks.example.com: the endpoint closed the connection in the middle of its answer',
    ],
    [
      Object.assign(new Error('fetch failed'), { cause: systemError('EHOSTUNREACH', 'connect EHOSTUNREACH') }),
      'Could not connect to https://hooks.example.com: host unreachable',
    ],
    [new DeliveryTimeout(), 'timed out'],
    [new TargetNotAllowed('target address 169.254.169.254 is not allowed'), 'target address 169.254.169.254 is not allowed'],
    [systemError('EWEIRD', 'something odd'), 'EWEIRD: something odd'],
    [new Error('plain failure'), 'plain failure'],
  ])('%s → %s', (error, message) => {
    expect(describeFailure(error, ORIGIN)).toBe(message);
  });

  it('says a refused connection plainly, without the system code twice', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const transport = new DeliveryTransport({ timeoutMs: 5_000, concurrency: 2, allowPrivateTargets: true, userAgent: 'hookfleet/test' });
    try {
      const result = await transport.post(`http://127.0.0.1:${port}/hook`, '{}', {});
      expect(result).toMatchObject({ kind: 'error', statusCode: null, error: `Could not connect to http://127.0.0.1:${port}: connection refused` });
    } finally {
      await transport.close();
    }
  });
});
