/**
 * Whether an error means Redis did not answer (away, restarting, or a cluster slot without a master during a
 * failover), so the caller can answer 503 and the client retry, rather than a 500.
 */
export function isRedisUnavailable(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  const message = (error as { message?: string } | null)?.message ?? '';
  if (name === 'MaxRetriesPerRequestError' || name === 'ClusterAllFailedError') return true;
  return /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|enableOfflineQueue|CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available/i.test(message);
}

/**
 * Redis answered but refused to write: out of memory under `noeviction` (OOM), a replica that became read-only
 * (READONLY), a failed snapshot that stops writes (MISCONF), too few replicas (NOREPLICAS). Nothing it held is lost
 * and the same write succeeds once the condition clears.
 */
const WRITE_REFUSAL = /^(OOM|READONLY|MISCONF|NOREPLICAS) /;

/** Whether Redis refused a write (see WRITE_REFUSAL); a MULTI it refused a command of aborts with EXECABORT. */
export function isStoreRefusingWrites(error: unknown): boolean {
  const message = (error as { message?: string } | null)?.message ?? '';
  if (WRITE_REFUSAL.test(message)) return true;
  const previous = (error as { previousErrors?: unknown[] } | null)?.previousErrors;
  return message.startsWith('EXECABORT') && Array.isArray(previous) && previous.some((inner) => WRITE_REFUSAL.test((inner as Error)?.message ?? ''));
}

/** The store cannot take the work now (away, or refusing writes): work that carries accepted data waits and retries. */
export function isStoreError(error: unknown): boolean {
  return isRedisUnavailable(error) || isStoreRefusingWrites(error);
}
