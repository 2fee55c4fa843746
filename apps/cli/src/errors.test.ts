import { describe, expect, it } from '@jest/globals';
import { HookfleetApiError, HookfleetConnectionError, HookfleetTimeoutError, HookfleetValidationError } from '@hookfleet/client';
import { CommandFailed, describeFailure, ExitCode, UsageError } from './errors.js';
import type { FieldFlags } from './field-flags.js';

const apiError = (status: number, body: unknown) => new HookfleetApiError({ method: 'GET', path: '/v1/x', status, body });

describe('describeFailure', () => {
  it.each([
    ['a usage error', new UsageError('missing <subscription>'), 'missing <subscription>', ExitCode.usage],
    [
      'input the SDK refused before sending, with field paths',
      new HookfleetValidationError('event', [{ path: 'events.1.type', message: 'Required' }]),
      'invalid event: events.1.type: Required',
      ExitCode.usage,
    ],
    [
      'an unreachable API',
      new HookfleetConnectionError('http://127.0.0.1:9', 'ECONNREFUSED'),
      'cannot reach hookfleet at http://127.0.0.1:9 (ECONNREFUSED); is the API running? (HOOKFLEET_URL or --url)',
      ExitCode.unreachable,
    ],
    [
      'a silent API',
      new HookfleetTimeoutError('http://127.0.0.1:9', 30_000),
      'hookfleet at http://127.0.0.1:9 did not answer within 30000 ms',
      ExitCode.unreachable,
    ],
    ['a 401', apiError(401, { error: 'unauthorized' }), 'the API refused the token (401 unauthorized); set HOOKFLEET_TOKEN or pass --token', ExitCode.auth],
    ['a 403', apiError(403, { error: 'operator only' }), 'operator only (403); set HOOKFLEET_TOKEN (or --token) to the admin token', ExitCode.auth],
    ['a 404', apiError(404, { error: 'subscription sub_x not found' }), 'subscription sub_x not found (404)', ExitCode.notFound],
    [
      'a 400 with field paths',
      apiError(400, {
        error: 'invalid subscription',
        issues: [
          { path: 'url', message: 'must be an http(s) URL' },
          { path: 'events', message: 'Too small' },
        ],
      }),
      'invalid subscription: url: must be an http(s) URL; events: Too small (400)',
      ExitCode.failed,
    ],
    ['a 503 with a text body', apiError(503, 'Service Unavailable'), 'the API answered 503: Service Unavailable', ExitCode.failed],
    [
      'a 429 whose Retry-After the retries did not wait out, saying when to try again',
      new HookfleetApiError({ method: 'POST', path: '/v1/events', status: 429, body: { error: 'rate limited', code: 'rate_limited' }, retryAfterMs: 90_000 }),
      'rate limited (429); try again in 90 s',
      ExitCode.failed,
    ],
    [
      'a 503 with Retry-After',
      new HookfleetApiError({ method: 'GET', path: '/v1/x', status: 503, body: { error: 'storage unavailable, try again' }, retryAfterMs: 5000 }),
      'the API answered 503: storage unavailable, try again; try again in 5 s',
      ExitCode.failed,
    ],
    ['a failed operation', new CommandFailed('recover op_1 failed: 3/500 deliveries'), 'recover op_1 failed: 3/500 deliveries', ExitCode.failed],
    ['anything else, on one line', new Error('first\n  second'), 'first second', ExitCode.failed],
  ])('turns %s into one line and its exit code', (_what, error, message, exitCode) => {
    expect(describeFailure(error)).toEqual({ message, exitCode });
  });

  const fieldFlags: FieldFlags = [
    { path: 'timeout_ms', flag: '--timeout', unit: 'ms' },
    { path: 'batch', flag: '--batch' },
  ];

  it.each([
    [
      'input the SDK refused',
      new HookfleetValidationError('subscription', [
        { path: 'timeout_ms', message: 'must be at most 30000' },
        { path: 'destination.url', message: 'must be an amqp(s) URL' },
      ]),
      'invalid subscription: --timeout: must be at most 30s (timeout_ms ≤ 30000); destination.url: must be an amqp(s) URL',
      ExitCode.usage,
    ],
    [
      'a 400',
      apiError(400, { error: 'batch and ordered together', issues: [{ path: 'batch', message: 'choose batch or ordered' }] }),
      'batch and ordered together: --batch: choose batch or ordered (400)',
      ExitCode.failed,
    ],
  ])('names the flag of each field the command built from one, in %s', (_what, error, message, exitCode) => {
    expect(describeFailure(error, { fieldFlags })).toEqual({ message, exitCode });
  });
});
