import { parseRetryAfterMs } from '@hookfleet/core/retry-after';
import { LONGEST_RETRY_AFTER_MS } from './backoff.js';
import type { Endpoint, EndpointWithSecret } from './types.js';

export interface Issue {
  path: string;
  message: string;
}

/** An answer that is not a success, in words a person can act on. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: Issue[] = [],
    /** How long the answer's Retry-After asked to wait (429, 503), in milliseconds; null when it named no time. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Whether asking again later may succeed: no answer, too many requests, or the API was unavailable (429, 5xx). */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }

  /** The messages of the issues whose path is `path` or under it (`events` covers `events.2`). */
  fieldMessages(path: string): string[] {
    return this.issues.filter((issue) => issue.path === path || issue.path.startsWith(`${path}.`)).map((issue) => issue.message);
  }
}

/** Until when (a Date.now() time) the API asked this page to wait: the latest Retry-After of a 429 or 503, capped. */
let quietUntil = 0;

/**
 * Whether the API's last 429 or 503 asked to wait past `now`: a page that refreshes on its own (endpoint-page.tsx)
 * skips its refresh until then, rather than spend the rate it shares with every portal of the tenant.
 */
export function apiAskedToWait(now = Date.now()): boolean {
  return now < quietUntil;
}

/** Sent on every call: the API reads the session cookie only from requests that carry it (no cross-site use). */
export const PORTAL_HEADERS = { 'x-hookfleet-portal': '1' } as const;

function wordsFor(status: number, serverMessage: string | undefined, retryAfterMs: number | null): string {
  const later = retryAfterMs !== null && retryAfterMs > 0 ? `Try again in ${Math.ceil(retryAfterMs / 1000)} s.` : null;
  if (status === 401) return 'Your portal session has ended or the link is not valid. Ask for a new portal link.';
  if (status === 403) return serverMessage ? `Not allowed: ${serverMessage}.` : 'This portal session is not allowed to do that.';
  if (status === 404) return 'Not found: it may have been deleted, or it is outside this portal session.';
  if (status === 429) return `Too many requests right now. ${later ?? 'Wait a few seconds and try again.'}`;
  if (status === 413) return 'That is too large to send (the limit is 1 MiB).';
  if (status >= 500) return `hookfleet could not answer just now. ${later ?? 'Try again in a moment.'}`;
  return serverMessage ? `${serverMessage[0]?.toUpperCase() ?? ''}${serverMessage.slice(1)}.` : `The request failed (HTTP ${status}).`;
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...PORTAL_HEADERS, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError('Cannot reach hookfleet. Check your connection and try again.', 0);
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    // Any refused credential ends the whole page's session view (see session.ts), whatever asked.
    if (response.status === 401 && !path.startsWith('/portal/session')) window.dispatchEvent(new Event('portal:session-ended'));
    const answer = (parsed ?? {}) as { error?: string; issues?: Issue[] };
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'));
    if (retryAfterMs !== null && (response.status === 429 || response.status === 503)) {
      quietUntil = Math.max(quietUntil, Date.now() + Math.min(retryAfterMs, LONGEST_RETRY_AFTER_MS));
    }
    throw new ApiError(wordsFor(response.status, answer.error, retryAfterMs), response.status, Array.isArray(answer.issues) ? answer.issues : [], retryAfterMs);
  }
  return parsed as T;
}

/** The endpoint without its secret: secrets stay out of the page until someone asks to see one. */
export function withoutSecret(endpoint: EndpointWithSecret): Endpoint {
  const { secret: _secret, ...rest } = endpoint;
  return rest;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: (path: string) => request<null>('DELETE', path),
};
