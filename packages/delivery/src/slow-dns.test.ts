import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// Name servers that never answer, made real where it matters: each lookup of a `.hang.hookfleet.test` name holds one
// of libuv's threads, as a getaddrinfo waiting on such a server does, by opening a FIFO that no one writes to (that
// open(2) blocks in the thread pool until a writer comes). `good.hookfleet.test` is a real getaddrinfo of localhost
// (/etc/hosts), in the same pool. dns.lookup is replaced before the code under test is linked (as test/fake-dns.ts
// explains), so the transport's lookups come here.
const require = createRequire(import.meta.url);
const dns = require('node:dns') as typeof import('node:dns');
const originalLookup = dns.lookup;
const fifo = join(fs.mkdtempSync(join(tmpdir(), 'hookfleet-slow-dns-')), 'never-written');
execFileSync('mkfifo', [fifo]);
let released = false;
let hangingNow = 0;
let hangingAtMost = 0;

type Callback = (error: NodeJS.ErrnoException | null, addresses: unknown, family?: number) => void;

function slowLookup(hostname: string, options: object, callback: Callback): void {
  if (hostname === 'good.hookfleet.test') {
    (originalLookup as (...args: unknown[]) => void)('localhost', { ...options, family: 4 }, callback);
    return;
  }
  if (!hostname.endsWith('.hang.hookfleet.test')) {
    (originalLookup as (...args: unknown[]) => void)(hostname, options, callback);
    return;
  }
  const unanswered = () => callback(Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN' }), []);
  if (released) return process.nextTick(unanswered);
  hangingNow += 1;
  hangingAtMost = Math.max(hangingAtMost, hangingNow);
  fs.open(fifo, 'r', (error, fd) => {
    hangingNow -= 1;
    if (!error) fs.close(fd, () => undefined);
    unanswered();
  });
}

dns.lookup = slowLookup as unknown as typeof dns.lookup;
const { DeliveryTransport } = await import('./transport.js');

describe('name servers that never answer', () => {
  let server: net.Server;
  let port = 0;
  const transport = new DeliveryTransport({ timeoutMs: 1_000, concurrency: 64, allowPrivateTargets: true, userAgent: 'hookfleet/test' });

  beforeAll(async () => {
    // Connection: close, so that every delivery to the good name connects, and looks its name up, anew.
    server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    // Frees the threads still blocked in the FIFO's open: a writer's open ends theirs (none there: ENXIO).
    released = true;
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // No lookup holds a thread any more.
    }
    const deadline = Date.now() + 5_000;
    while (hangingNow > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await transport.close();
    await new Promise((resolve) => server.close(resolve));
    dns.lookup = originalLookup;
    fs.rmSync(join(fifo, '..'), { recursive: true, force: true });
  });

  it('hold at most part of the thread pool: a name that answers still connects, files are still read, and each attempt times out at its deadline', async () => {
    const good = `http://good.hookfleet.test:${port}/hook`;
    expect(await transport.post(good, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200 });

    const hanging = Array.from({ length: 6 }, (_, index) => transport.post(`http://n${index}.hang.hookfleet.test:${port}/hook`, '{}', {}));
    const deadline = Date.now() + 5_000;
    while (hangingNow < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));

    expect(await transport.post(good, '{}', {})).toMatchObject({ kind: 'response', statusCode: 200 });
    // A read bounded here only so that a full pool fails the test instead of hanging it.
    const read = fs.promises.stat(fifo).then(() => 'read');
    let bound: NodeJS.Timeout | undefined;
    const poolFull = new Promise((resolve) => (bound = setTimeout(() => resolve('pool full'), 3_000)));
    expect(await Promise.race([read, poolFull]).finally(() => clearTimeout(bound))).toBe('read');

    for (const result of await Promise.all(hanging)) {
      expect(result).toMatchObject({ kind: 'timeout', statusCode: null, error: expect.stringMatching(/^timed out connecting to http:\/\/n\d\.hang\.hookfleet\.test:\d+/) });
    }
    expect(hangingAtMost).toBeLessThanOrEqual(2);
  });
});
