import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExitCode } from '../src/errors.js';
import { runInProcess } from './cli-in-process.js';

/**
 * `--all` against an API that answers a next_cursor it gave before (a store bug, a proxy's cache): the CLI stops with
 * an error instead of asking for ever. A real hookfleet never does this, so a small HTTP server on 127.0.0.1 plays it.
 */
describe('--all and a next_cursor the API already gave', () => {
  /** The tenants list's pages, by the cursor asked for: the third page points back at the second. */
  const pages: Record<string, { data: Array<{ id: string; name: string; created_at: string; previous_key_expires_at: null }>; next_cursor: string | null }> = {
    '': { data: [{ id: 'ten_1', name: 'one', created_at: '2026-01-01T00:00:00Z', previous_key_expires_at: null }], next_cursor: 'ten_1' },
    ten_1: { data: [{ id: 'ten_2', name: 'two', created_at: '2026-01-01T00:00:00Z', previous_key_expires_at: null }], next_cursor: 'ten_2' },
    ten_2: { data: [{ id: 'ten_3', name: 'three', created_at: '2026-01-01T00:00:00Z', previous_key_expires_at: null }], next_cursor: 'ten_1' },
  };
  const asked: string[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const cursor = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('cursor') ?? '';
      asked.push(cursor);
      // A CLI that never stops must fail the test, not hang it.
      if (asked.length > 10) return void response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"asked for more than 10 pages"}');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pages[cursor] ?? { data: [], next_cursor: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('stops with an error naming the repeated cursor and exits 1, having asked for each page once', async () => {
    const result = await runInProcess(['tenants', 'list', '--all'], { HOOKFLEET_URL: url, HOOKFLEET_TOKEN: 'admin' });
    expect(result).toMatchObject({
      code: ExitCode.failed,
      stdout: '',
      stderr: 'error: --all stopped: the API answered a next_cursor it had already given (ten_1); following it again would never end\n',
    });
    expect(asked).toEqual(['', 'ten_1', 'ten_2']);
  });
});
