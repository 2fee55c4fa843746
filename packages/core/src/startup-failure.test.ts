import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { ConfigError } from './config.js';
import { startupFailureLine } from './startup-failure.js';

describe('a startup failure in one line', () => {
  it('names a port already in use and the variable that chose it', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const second = createServer();
    const error = await new Promise<Error>((resolve) => second.once('error', resolve).listen(port, '127.0.0.1'));
    taken.close();
    expect(startupFailureLine(error, 'PORT')).toBe(`port ${port} is already in use: set PORT to another port, or to 0 for any free one`);
  });

  it.each([
    ['a port not allowed', Object.assign(new Error('listen EACCES'), { code: 'EACCES', port: 80 }), 'port 80 is not allowed for this user: set METRICS_PORT to a port above 1023, or to 0 for any free one'],
    ['a bad environment value', new ConfigError('DELIVERY_CONCURRENCY: expected a number'), 'invalid environment: DELIVERY_CONCURRENCY: expected a number'],
    ['a plain error that merely reads like one', new Error('invalid environment: DELIVERY_CONCURRENCY'), null],
    ['anything else', new Error('a bug'), null],
    ['nothing', undefined, null],
  ])('%s', (_name, error, line) => {
    expect(startupFailureLine(error, 'METRICS_PORT')).toBe(line);
  });
});
