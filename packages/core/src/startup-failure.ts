import { ConfigError } from './config.js';

/**
 * A process that cannot start for a reason its operator can fix says so in one line rather than a stack trace: a bad
 * environment value (ConfigError, naming the variable), a port already taken or not allowed, named by the variable
 * that set it. Null for anything else (a bug keeps its stack).
 */
export function startupFailureLine(error: unknown, portVariable: string): string | null {
  if (error instanceof ConfigError) return error.message;
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code === 'EADDRINUSE') return `port ${String(port)} is already in use: set ${portVariable} to another port, or to 0 for any free one`;
  if (code === 'EACCES') return `port ${String(port)} is not allowed for this user: set ${portVariable} to a port above 1023, or to 0 for any free one`;
  return null;
}

/**
 * One step of a process's start (reading the environment, listening). A failure startupFailureLine knows ends the
 * process with `hookfleet <process>: <line>` on stderr and exit code 1; anything else is thrown on, with its stack.
 */
export async function startupStep<T>(processName: string, portVariable: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const line = startupFailureLine(error, portVariable);
    if (line === null) throw error;
    console.error(`hookfleet ${processName}: ${line}`);
    process.exit(1);
  }
}
