import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestReceiver } from '../../../../test/receiver.js';
import { ExitCode } from '../errors.js';
import type { CliIo } from '../io.js';
import { main } from '../main.js';

const entry = (type: string) => ({ profile: 'standard', type, description: `${type} happened`, schema: null, deprecated: false });
/** `GET /v1/event-types` a page at a time (docs/api.md, "Event types"): two pages, the second after cursor e2. */
const pages: Record<string, { data: Array<ReturnType<typeof entry>>; next_cursor: string | null }> = {
  '': { data: [entry('a.one'), entry('a.two')], next_cursor: 'e2' },
  e2: { data: [entry('b.one')], next_cursor: null },
};

describe('hookfleet event-types', () => {
  const api = new TestReceiver((request) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pages[new URL(request.path, 'http://x').searchParams.get('cursor') ?? ''] ?? { data: [], next_cursor: null }),
  }));
  beforeAll(() => api.start());
  afterAll(() => api.stop());

  async function run(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      stdin: new PassThrough(),
      env: { HOOKFLEET_URL: api.url(''), HOOKFLEET_TOKEN: 'op-token' },
      untilStopped: () => Promise.resolve(),
    };
    const sentBefore = api.requests.length;
    const code = await main(argv, io);
    return { code, stdout: out.join(''), stderr: err.join(''), paths: api.requests.slice(sentBefore).map((request) => request.path) };
  }

  it('lists every page with --all, as the other lists do', async () => {
    const { code, stdout, paths } = await run(['event-types', '--profile', 'standard', '--all', '--json']);
    expect(code).toBe(ExitCode.ok);
    expect(JSON.parse(stdout)).toEqual({ data: [entry('a.one'), entry('a.two'), entry('b.one')], next_cursor: null });
    expect(paths).toEqual(['/v1/event-types?profile=standard', '/v1/event-types?profile=standard&cursor=e2']);
  });

  it('prints one page without --all, and on stderr how to go on', async () => {
    const { code, stdout, stderr, paths } = await run(['event-types', '--limit', '2']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('a.two happened');
    expect(stdout).not.toContain('b.one');
    expect(stderr).toBe('more: add --cursor e2 (or --all)\n');
    expect(paths).toEqual(['/v1/event-types?limit=2']);

    const next = await run(['event-types', '--cursor', 'e2', '--json']);
    expect(JSON.parse(next.stdout)).toEqual(pages.e2);
    expect(next.paths).toEqual(['/v1/event-types?cursor=e2']);
  });

  it('refuses a --limit outside 1–500 before any request', async () => {
    const { code, stderr, paths } = await run(['event-types', '--limit', '501']);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain('--limit');
    expect(paths).toEqual([]);
  });
});
