import { once } from 'node:events';

/** Where a command writes: process.stdout/stderr, or a test's buffers. */
export interface OutputStream {
  write(text: string): unknown;
  /** Only a terminal gets a progress bar. */
  isTTY?: boolean;
  columns?: number;
}

/** Everything a command touches outside itself, so commands run the same in a test as in a shell. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM): long-running commands (`listen`) wait on it. */
  untilStopped(): Promise<void>;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    async untilStopped() {
      const stop = new AbortController();
      try {
        await Promise.race([once(process, 'SIGINT', { signal: stop.signal }), once(process, 'SIGTERM', { signal: stop.signal })]);
      } finally {
        stop.abort();
      }
    },
  };
}

/** Reads a whole stream (stdin or a file stream) as UTF-8. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
