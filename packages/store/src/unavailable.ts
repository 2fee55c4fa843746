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
