import { describe, expect, it } from '@jest/globals';
import { parseCommandLine, type Command } from './command.js';
import { describeIssue, givenFieldFlags, type FieldFlags } from './field-flags.js';

const rows: FieldFlags = [
  { path: 'url', flag: '<endpoint-url>' },
  { path: 'events', flag: '--events' },
  { path: 'events.*.type', flag: '--type' },
  { path: 'description', flag: '--description' },
  { path: 'delay_seconds', flag: '--delay', unit: 's' },
  { path: 'timeout_ms', flag: '--timeout', unit: 'ms' },
  { path: 'retry.delays_seconds', flag: '--retry', unit: 's' },
  { path: 'retry', flag: '--retry' },
  { path: 'batch.max_wait_ms', flag: '--batch-wait', unit: 'ms' },
  { path: 'batch', flag: '--batch' },
  { path: 'batch', flag: '--batch-wait' },
  { path: 'rate_limit.per_second', flag: '--rate-limit', unit: 'per_second' },
  { path: 'rate_limit.per_minute', flag: '--rate-limit', unit: 'per_minute' },
  { path: 'headers', flag: '--header' },
];

describe('describeIssue', () => {
  it.each([
    ['timeout_ms', 'must be at most 30000', '--timeout: must be at most 30s (timeout_ms ≤ 30000)'],
    ['timeout_ms', 'must be at least 1000', '--timeout: must be at least 1s (timeout_ms ≥ 1000)'],
    ['delay_seconds', 'must be at most 86400', '--delay: must be at most 1d (delay_seconds ≤ 86400)'],
    ['retry.delays_seconds.1', 'must be at most 86400', '--retry: must be at most 1d (retry.delays_seconds.1 ≤ 86400)'],
    ['retry.delays_seconds', 'at most 604800 seconds (7 days) in all', '--retry: at most 604800 seconds (7 days) in all (retry.delays_seconds)'],
    ['batch.max_wait_ms', 'must be at most 60000', '--batch-wait: must be at most 1m (batch.max_wait_ms ≤ 60000)'],
    ['batch.max_wait_ms', 'must be at most 90500', '--batch-wait: must be at most 1m30s500ms (batch.max_wait_ms ≤ 90500)'],
    ['rate_limit.per_second', 'must be at most 100000', '--rate-limit: must be at most 100000/s (rate_limit.per_second ≤ 100000)'],
    ['rate_limit.per_minute', 'must be at most 6000000', '--rate-limit: must be at most 6000000/m (rate_limit.per_minute ≤ 6000000)'],
    ['headers.Content-Type', 'Content-Type is written by the delivery itself', '--header: Content-Type is written by the delivery itself (headers.Content-Type)'],
    ['batch', 'an ordered subscription sends one delivery at a time', '--batch: an ordered subscription sends one delivery at a time'],
    ['description', 'must be at most 2000 characters', '--description: must be at most 2000 characters'],
    ['events.0', 'must be at most 200 characters', '--events: must be at most 200 characters (events.0)'],
    ['events.3.type', 'must not be empty', '--type: must not be empty (events.3.type)'],
    ['url', 'must be an http(s) URL', '<endpoint-url>: must be an http(s) URL (url)'],
    // Raw JSON the user wrote keeps the API's path; so does a field no flag wrote.
    ['destination.servers', 'must list at least 1 item', 'destination.servers: must list at least 1 item'],
    ['filter.data.amount.$gtt', 'unknown operator', 'filter.data.amount.$gtt: unknown operator'],
    ['timeout', 'must be at most 30000', 'timeout: must be at most 30000'],
  ])('tells %s: %s in the flag\'s terms', (path, message, told) => {
    expect(describeIssue({ path, message }, rows)).toBe(told);
  });

  it('names the first given flag of a path several flags write', () => {
    expect(describeIssue({ path: 'batch', message: 'batch is for http destinations, not nats' }, rows.filter((row) => row.flag !== '--batch'))).toBe(
      '--batch-wait: batch is for http destinations, not nats (batch)',
    );
  });
});

describe('givenFieldFlags', () => {
  const command: Command = {
    name: 'subscriptions create',
    summary: 'test',
    args: [{ name: 'endpoint-url', description: 'url' }],
    options: { timeout: { type: 'string', description: 't' }, events: { type: 'string', multiple: true, description: 'e' } },
    fieldFlags: [
      { path: 'url', flag: '<endpoint-url>' },
      { path: 'timeout_ms', flag: '--timeout', unit: 'ms' },
      { path: 'events', flag: '--events' },
    ],
    run: async () => undefined,
  };

  it('keeps the rows of the flags and arguments on the command line only', () => {
    expect(givenFieldFlags(command, parseCommandLine(command, ['--timeout', '31s'])).map((row) => row.flag)).toEqual(['--timeout']);
    expect(givenFieldFlags(command, parseCommandLine(command, ['http://x', '--events', '*'])).map((row) => row.flag)).toEqual(['<endpoint-url>', '--events']);
  });
});
