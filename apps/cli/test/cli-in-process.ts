import { PassThrough } from 'node:stream';
import type { CliIo } from '../src/io.js';
import { main } from '../src/main.js';
import type { CliEnv, CliResult } from './cli-process.js';

export interface InProcessOptions {
  stdin?: string;
  /** Pretend stderr is a terminal (the progress bar draws only there). */
  tty?: boolean;
  /** Pretend stdin is a terminal, a person who can answer a question (`stdin` is what they type). */
  stdinTty?: boolean;
  /** For `listen`: resolves when the test wants it stopped. */
  untilStopped?: () => Promise<void>;
}

interface Capture {
  io: CliIo;
  stdoutWrites: string[];
  stderrWrites: string[];
}

function capture(env: CliEnv, options: InProcessOptions): Capture {
  const stdoutWrites: string[] = [];
  const stderrWrites: string[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinTty === true });
  stdin.end(options.stdin ?? '');
  const io: CliIo = {
    stdout: { write: (text: string) => stdoutWrites.push(text) },
    stderr: { write: (text: string) => stderrWrites.push(text), isTTY: options.tty === true, columns: 100 },
    stdin,
    env,
    untilStopped: options.untilStopped ?? (() => Promise.resolve()),
  };
  return { io, stdoutWrites, stderrWrites };
}

/**
 * Runs `hookfleet …args` in this process: the same dispatch, commands and output as the built CLI, without a
 * node start per call. Tests that must prove the real process (exit codes, signals) use cli-process.ts.
 */
export async function runInProcess(
  args: readonly string[],
  env: CliEnv,
  options: InProcessOptions = {},
): Promise<CliResult & { stdoutWrites: string[]; stderrWrites: string[] }> {
  const { io, stdoutWrites, stderrWrites } = capture(env, options);
  const code = await main(args, io);
  return { code, stdout: stdoutWrites.join(''), stderr: stderrWrites.join(''), stdoutWrites, stderrWrites };
}

/** In-process, with --json, parsed; throws with stderr when the command failed. */
export async function jsonInProcess<Result>(args: readonly string[], env: CliEnv, options: InProcessOptions = {}): Promise<Result> {
  const result = await runInProcess([...args, '--json'], env, options);
  if (result.code !== 0) throw new Error(`hookfleet ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Result;
}

export interface RunningInProcess {
  stdout(): string;
  stderr(): string;
  /** Ends `untilStopped`, as Ctrl-C would, and resolves to the exit code. */
  stop(): Promise<number>;
}

/** Starts a long-running command (`listen`) in this process; its output is readable while it runs. */
export function startInProcess(args: readonly string[], env: CliEnv): RunningInProcess {
  let requestStop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (requestStop = resolve));
  const { io, stdoutWrites, stderrWrites } = capture(env, { untilStopped: () => stopped });
  const exitCode = main(args, io);
  return {
    stdout: () => stdoutWrites.join(''),
    stderr: () => stderrWrites.join(''),
    async stop() {
      requestStop();
      return exitCode;
    },
  };
}
