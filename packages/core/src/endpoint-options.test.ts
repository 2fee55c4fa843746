import { describe, expect, it } from '@jest/globals';
import { customHeadersSchema, headerNameProblem, ownLadderMs, retryOptionsSchema } from './endpoint-options.js';

describe('headerNameProblem', () => {
  it.each([
    ['X-Env', [], null],
    ['x-custom_header.1', [], null],
    ['Content-Type', [], 'written by the delivery'],
    ['CONTENT-LENGTH', [], 'written by the delivery'],
    ['host', [], 'written by the delivery'],
    ['User-Agent', [], 'written by the delivery'],
    ['Connection', [], 'written by the delivery'],
    ['Transfer-Encoding', [], 'written by the delivery'],
    ['webhook-id', [], 'written by the delivery'],
    ['Webhook-Key-Id', [], 'written by the delivery'],
    ['Nats-Msg-Id', [], 'instruction to a NATS JetStream stream'],
    ['nats-rollup', [], 'instruction to a NATS JetStream stream'],
    ['X-Nats-Team', [], null],
    ['CC', [], 'routing instruction to RabbitMQ'],
    ['BCC', [], 'routing instruction to RabbitMQ'],
    ['cc', [], null],
    ['X-Paymo-Signature', ['x-paymo-signature'], 'written by the profile'],
    ['X-Paymo-Signature', [], null],
    ['Bad Name', [], 'not a header name'],
    ['Bad:Name', [], 'not a header name'],
    ['', [], 'not a header name'],
  ])('%s (profile owns %j): %s', (name, owned, expected) => {
    const problem = headerNameProblem(name, owned);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toContain(expected);
  });
});

describe('customHeadersSchema', () => {
  it.each([
    [{ 'X-Env': 'prod', 'X-Team': 'billing ops' }, []],
    [{}, []],
    [{ 'X-Env': 'a\nb' }, ['X-Env']],
    [{ 'X-Env': 'tab\there' }, ['X-Env']],
    [{ 'X-Env': 'é' }, ['X-Env']],
    [{ 'X-A': '1', 'x-a': '2' }, ['x-a']],
    [{ 'content-type': 'text/plain' }, ['content-type']],
    [Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`X-${index}`, 'v'])), ['']],
    [{ 'X-Big': 'v'.repeat(4092) }, ['']],
    [{ ['X'.repeat(255)]: 'v' }, []],
    [{ ['X'.repeat(256)]: 'v' }, ['X'.repeat(256)]],
  ])('case %#: issues at %j', (headers, paths) => {
    const result = customHeadersSchema.safeParse(headers);
    expect((result.error?.issues ?? []).map((issue) => issue.path.join('.'))).toEqual(paths);
  });
});

describe('retryOptionsSchema and ownLadderMs', () => {
  it.each([
    [{ delays_seconds: [5, 60] }, { delays_seconds: [5, 60], max_attempts: 3 }, [5000, 60_000]],
    [{ delays_seconds: [5, 60, 600], max_attempts: 2 }, { delays_seconds: [5, 60, 600], max_attempts: 2 }, [5000]],
    [{ delays_seconds: [], max_attempts: 1 }, { delays_seconds: [], max_attempts: 1 }, []],
  ])('%j is stored as %j and climbs %j', (input, stored, ladder) => {
    const parsed = retryOptionsSchema.parse(input);
    expect(parsed).toEqual(stored);
    expect(ownLadderMs(parsed)).toEqual(ladder);
  });

  it.each([
    [{ delays_seconds: [0] }, 'delays_seconds.0'],
    [{ delays_seconds: [86_401] }, 'delays_seconds.0'],
    [{ delays_seconds: Array.from({ length: 20 }, () => 1) }, 'delays_seconds'],
    [{ delays_seconds: Array.from({ length: 8 }, () => 86_400) }, 'delays_seconds'],
    [{ delays_seconds: [5], max_attempts: 3 }, 'max_attempts'],
    [{ delays_seconds: [5], max_attempts: 0 }, 'max_attempts'],
    [{ delays_seconds: [1.5] }, 'delays_seconds.0'],
  ])('refuses case %# at %s', (input, path) => {
    const result = retryOptionsSchema.safeParse(input);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });
});
