/**
 * A process that cannot start for a reason its operator can fix says so in one line rather than a stack trace: a port
 * already taken or not allowed, named by the variable that set it. Null for anything else (a bug keeps its stack).
 */
export function startupFailureLine(error: unknown, portVariable: string): string | null {
  const { code, port } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code === 'EADDRINUSE') return `port ${String(port)} is already in use: set ${portVariable} to another port, or to 0 for any free one`;
  if (code === 'EACCES') return `port ${String(port)} is not allowed for this user: set ${portVariable} to a port above 1023, or to 0 for any free one`;
  return null;
}
