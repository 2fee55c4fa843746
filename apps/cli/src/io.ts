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

/** Whether a person is there to answer a question: stdin is a terminal (a pipe, a script's or CI's stdin is not). */
export function canAsk(io: CliIo): boolean {
  return (io.stdin as { isTTY?: boolean }).isTTY === true;
}

/** The first line typed on `stream` (or all of it, at its end); the stream is paused after, so the process can exit. */
function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.pause();
      resolve(text.split('\n')[0] ?? '');
    };
    const onData = (chunk: string | Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
  });
}

/** Asks a yes/no question on stderr (stdout stays the command's output) and reads the answer; only y or yes is yes. */
export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(`${question} [y/N] `);
  return /^\s*y(es)?\s*$/i.test(await firstLine(io.stdin));
}
