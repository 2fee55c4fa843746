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

/** Sent on every call: the API reads the session cookie only from requests that carry it (no cross-site use). */
export const PORTAL_HEADERS = { 'x-hookfleet-portal': '1' } as const;

function wordsFor(status: number, serverMessage: string | undefined): string {
  if (status === 401) return 'Your portal session has ended or the link is not valid. Ask for a new portal link.';
  if (status === 403) return serverMessage ? `Not allowed: ${serverMessage}.` : 'This portal session is not allowed to do that.';
  if (status === 404) return 'Not found: it may have been deleted, or it is outside this portal session.';
  if (status === 429) return 'Too many requests right now. Wait a few seconds and try again.';
  if (status === 413) return 'That is too large to send (the limit is 1 MiB).';
  if (status >= 500) return 'hookfleet could not answer just now. Try again in a moment.';
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
    throw new ApiError(wordsFor(response.status, answer.error), response.status, Array.isArray(answer.issues) ? answer.issues : []);
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
