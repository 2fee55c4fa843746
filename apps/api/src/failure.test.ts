import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@hookfleet/core';
import { ERROR_CODES, HookfleetError, type ErrorCode } from '@hookfleet/core';
import { profiles } from '@hookfleet/profiles';
import { TooManyRequests } from './abuse-limits.js';
import { failureOf } from './failure.js';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

/** Every error class code throws: core's and the API's own. */
const errorClasses = [...Object.values(core).filter((value): value is typeof HookfleetError => typeof value === 'function' && value.prototype instanceof HookfleetError)];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the error table', () => {
  it('maps every code to one client or server error status', () => {
    for (const [code, { status, sentence }] of Object.entries(ERROR_CODES)) {
      expect({ code, status: status >= 400 && status < 600, sentence: sentence.length > 0 }).toEqual({ code, status: true, sentence: true });
    }
  });

  it.each(errorClasses.map((ErrorClass) => [ErrorClass.name, ErrorClass] as const))('%s takes its status from the table', (_name, ErrorClass) => {
    const error = new ErrorClass('boom');
    expect(Object.keys(ERROR_CODES)).toContain(error.code);
    expect(error.status).toBe(ERROR_CODES[error.code].status);
    expect(failureOf(error)).toMatchObject({ code: error.code, status: ERROR_CODES[error.code].status, message: 'boom' });
  });

  it.each<[string, unknown, ErrorCode, number | undefined]>([
    ['a rate limit, with its wait', new TooManyRequests('slow down', 7), 'rate_limited', 7],
    ['a body over the limit', Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 'payload_too_large', undefined],
    ['a body that is not JSON', Object.assign(new SyntaxError('x'), { type: 'entity.parse.failed', status: 400 }), 'invalid_json', undefined],
    ['a path that does not decode', Object.assign(new URIError('URI malformed'), { status: 400 }), 'bad_request', undefined],
    ['another 4xx of a library', Object.assign(new Error('too many parameters'), { type: 'parameters.too.many', status: 413 }), 'payload_too_large', undefined],
    ['Redis refusing', Object.assign(new Error('Connection is closed.'), { name: 'Error' }), 'unavailable', 1],
    ['anything else', new Error('bug'), 'internal', undefined],
  ])('classifies %s', (_label, error, code, retryAfterSeconds) => {
    const failure = failureOf(error);
    expect(failure.code).toBe(code);
    expect(failure.status).toBe(ERROR_CODES[code].status);
    expect(failure.retryAfterSeconds).toBe(retryAfterSeconds);
  });

  it.each(profiles.filter((profile) => profile.compat).map((profile) => [profile.name, profile] as const))('%s renders every code in its own style with the code’s status', (_name, profile) => {
    for (const [code, { status, sentence }] of Object.entries(ERROR_CODES)) {
      const answer = profile.compat?.error({ code, status, message: sentence }, { requestId: 'req' });
      expect({ code, status: answer?.status }).toEqual({ code, status });
    }
  });

  it('is the only place a status is given to an error class', () => {
    const offenders = [...sourceFiles(join(REPOSITORY, 'apps')), ...sourceFiles(join(REPOSITORY, 'packages'))].filter((file) =>
      /readonly status\s*=\s*\d{3}/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
