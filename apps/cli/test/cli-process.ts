import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI, exactly what `npx hookfleet` runs (`npm test` builds first). */
const BIN = fileURLToPath(new URL('../bin/hookfleet.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  HOOKFLEET_URL?: string;
  HOOKFLEET_TOKEN?: string;
}

function spawnCli(args: readonly string[], env: CliEnv) {
  // Only what the CLI reads: jest's NODE_OPTIONS and the test's own variables stay out.
  return spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs `hookfleet …args` to the end, with `stdin` as its input. */
export async function runCli(args: readonly string[], env: CliEnv, stdin = ''): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  return { code, stdout, stderr };
}

/** Runs the CLI and parses its --json output, failing with its stderr when it did not exit 0. */
export async function runCliJson<Result>(args: readonly string[], env: CliEnv, stdin = ''): Promise<Result> {
  const result = await runCli([...args, '--json'], env, stdin);
  if (result.code !== 0) throw new Error(`hookfleet ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Result;
}

export interface RunningCli {
  stdout(): string;
  stderr(): string;
  /** SIGTERM, as Ctrl-C would, and the exit code. */
  stop(): Promise<number | null>;
}

/** Starts a long-running command (`listen`) and resolves once stderr matches `ready`. */
export async function startCli(args: readonly string[], env: CliEnv, ready: RegExp): Promise<RunningCli & { ready: RegExpExecArray }> {
  const child = spawnCli(args, env);
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hookfleet ${args.join(' ')} did not get ready: ${stderr}`)), 15_000);
    const onData = () => {
      const found = ready.exec(stderr);
      if (found) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        resolve(found);
      }
    };
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`hookfleet ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
  return {
    ready: match,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
