import { ADMIN_TOKEN } from './fleet.js';

export interface ApiAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
  /** Wall time from sending the request to the end of its body. */
  ms: number;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** Abort after this long (the call then throws a TimeoutError). */
  timeoutMs?: number;
}

export type ApiCall = (method: string, path: string, body?: unknown, token?: string | null, options?: CallOptions) => Promise<ApiAnswer>;

/**
 * JSON requests to an API that may not be the in-process one (a spawned process, one that restarts on a new port).
 * Network failures throw; every HTTP answer resolves, whatever its status. `token` defaults to the operator's.
 */
export function apiClient(baseUrl: string | (() => string)): ApiCall {
  return async (method, path, body, token = ADMIN_TOKEN, options = {}) => {
    const started = performance.now();
    const base = typeof baseUrl === 'string' ? baseUrl : baseUrl();
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...options.headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, text, headers: response.headers, ms: performance.now() - started };
  };
}
