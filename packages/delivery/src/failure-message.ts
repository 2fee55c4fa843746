import { TargetNotAllowed } from '@hookfleet/core';
import { ConnectionLost, DeliveryTimeout } from './response-collector.js';

/** What a system or TLS error code means, in words a receiver's owner knows (the code itself helps nobody there). */
const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'its host name does not resolve',
  EAI_AGAIN: 'its host name could not be resolved (DNS failure), try again later',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  ERR_CONNECTION_CLOSED: 'the endpoint closed the connection without an answer',
  ERR_ANSWER_CUT_SHORT: 'the endpoint closed the connection in the middle of its answer',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate could not be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** How a connection that was set up came to fail (ConnectionLost), said of the connection. */
const LOST_CONNECTION: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the endpoint closed the connection',
  ERR_CONNECTION_CLOSED: 'the endpoint closed the connection',
  ERR_ANSWER_CUT_SHORT: 'the endpoint closed the connection',
  ETIMEDOUT: 'the connection timed out',
};

/** The transport's whole-request deadline (response-collector.ts) and an aborted wait are timeouts; nothing else is. */
export function isTimeout(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/**
 * An attempt that got no answer, said once and plainly: "Could not connect to https://example.com: connection refused".
 * Refusals by the SSRF guard keep their own message; unknown errors keep theirs (with the code when it adds one).
 */
export function describeFailure(error: unknown, origin: string): string {
  if (error instanceof TargetNotAllowed) return error.message;
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof TargetNotAllowed) return cause.message;
  if (error instanceof DeliveryTimeout) return describeTimeout(error, origin);
  if (error instanceof ConnectionLost) return describeLost(error, origin);
  if (isTimeout(error)) return 'timed out';
  const code = codeOf(error) ?? codeOf(cause);
  const known = code ? CONNECT_FAILURES[code] : undefined;
  if (known) return `Could not connect to ${origin}: ${known}`;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * A request cut at its deadline, by how far it got. Connected with no answer at all stays plain `timed out` (what
 * everyone expects of an endpoint too slow to answer).
 */
function describeTimeout(timeout: DeliveryTimeout, origin: string): string {
  if (timeout.progress === 'connecting') {
    const tls = origin.startsWith('https:') ? ', or its TLS handshake stalled' : '';
    return `timed out connecting to ${origin}: no connection was set up (its name did not resolve in time, the host is down or a firewall drops the packets${tls})`;
  }
  if (timeout.progress !== 'answering') return 'timed out';
  if (timeout.statusCode === undefined) return `timed out: ${origin} began to answer, and its status line and headers did not end`;
  return `timed out: ${origin} answered HTTP ${timeout.statusCode}, and its body did not end`;
}

/**
 * A connection lost after it was set up, by how far the answer got: "Could not connect" would send its operator
 * looking at the network, and hide the status that had come.
 */
function describeLost(lost: ConnectionLost, origin: string): string {
  const what = LOST_CONNECTION[codeOf(lost.cause) ?? ''];
  if (!what) return describeFailure(lost.cause, origin);
  if (lost.progress === 'sent') return `connected to ${origin}, then ${what} before any answer`;
  if (lost.statusCode === undefined) return `${origin} began to answer, then ${what} before its status line and headers ended`;
  return `${origin} answered HTTP ${lost.statusCode}, then ${what} before its body ended`;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
