import got, { HTTPError, RequestError, TimeoutError, type Got } from 'got';
import { HookfleetApiError, HookfleetClientError, HookfleetConnectionError, HookfleetTimeoutError } from './errors.js';
import type { ResolvedClientOptions } from './options.js';
import { parseRetryAfterMs } from '@hookfleet/core';
import { RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryDelayMs, surelyNotActedOn } from './retry-policy.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | Date | null | undefined;

export interface RequestOptions {
  /** Query parameters; `undefined` and `null` are left out, a Date is sent as ISO-8601. */
  query?: Record<string, QueryValue>;
  /**
   * Whether sending the request twice has the effect of sending it once. Idempotent requests are retried on any
   * 408/429/5xx and connection error; the others only when the API surely did not act (429, 503, not connected).
   * @defaultValue every method but POST, and a POST with an `idempotencyKey`
   */
  idempotent?: boolean;
  /**
   * Sent as the `Idempotency-Key` header, the same on every try (docs/api.md, "Sending a POST again safely"): the API
   * answers a repeat with the first one's answer and does nothing twice, so the POST is retried like a read.
   */
  idempotencyKey?: string | undefined;
  /** Cuts the request (and any retry waiting) off; the promise then rejects with `signal.reason`, as fetch does. */
  signal?: AbortSignal | undefined;
  /**
   * Seconds the API may hold the request open on purpose before it answers (a long-poll's `wait`). They are added to
   * the client's `timeoutMs`, which is meant for the answer's travel: a 30 s long-poll under a 30 s timeout would
   * otherwise time out, and be tried again, every time nothing arrives.
   */
  heldOpenSeconds?: number | undefined;
}

/** One JSON request to the API, with the client's retries, and its error mapped to a typed one. */
export type RequestFunction = <Result = unknown>(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions) => Promise<Result>;

const ALL_METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const url = new URL(`${baseUrl}${path.startsWith('/') ? path : `/${path}`}`);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    url.searchParams.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  return url.toString();
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function responseText(error: HTTPError): string {
  const { body, rawBody } = error.response;
  if (typeof body === 'string') return body;
  return rawBody ? rawBody.toString('utf8') : '';
}

function createGot(options: ResolvedClientOptions): Got {
  return got.extend({
    timeout: { request: options.timeoutMs },
    headers: {
      'user-agent': 'hookfleet-client',
      accept: 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    responseType: 'text',
    followRedirect: false,
    retry: {
      limit: options.retry.limit,
      // got retries neither POST nor PATCH by default; retryDelayMs decides per request instead.
      methods: ALL_METHODS,
      statusCodes: [...RETRY_STATUS_CODES],
      errorCodes: [...RETRY_ERROR_CODES],
      calculateDelay: ({ attemptCount, error, retryAfter }) => {
        const failure = { statusCode: error.response?.statusCode, errorCode: error.response ? undefined : error.code };
        const { context } = error.options;
        const delayMs = retryDelayMs({
          failedTries: attemptCount,
          idempotent: context.idempotent === true,
          idempotencyKeySent: context.idempotencyKeySent === true,
          ...failure,
          retryAfterMs: retryAfter,
          retry: options.retry,
        });
        const tries = context.tries as TryRecord | undefined;
        if (delayMs > 0 && tries && !surelyNotActedOn(failure)) tries.earlierMayHaveActed = true;
        return delayMs;
      },
    },
  });
}

/** What the tries of one request found out, across got's retries. */
interface TryRecord {
  /** A try that failed (a 502 from a proxy, a reset connection) may still have reached the API and been acted on. */
  earlierMayHaveActed: boolean;
}

export function createRequest(options: ResolvedClientOptions): RequestFunction {
  const http = createGot(options);
  return async <Result>(method: HttpMethod, path: string, body?: unknown, requestOptions: RequestOptions = {}): Promise<Result> => {
    const { idempotencyKey } = requestOptions;
    const idempotent = requestOptions.idempotent ?? (method !== 'POST' || idempotencyKey !== undefined);
    const timeoutMs = options.timeoutMs + Math.max(0, requestOptions.heldOpenSeconds ?? 0) * 1000;
    const tries: TryRecord = { earlierMayHaveActed: false };
    try {
      const response = await http(buildUrl(options.url, path, requestOptions.query), {
        method,
        ...(body !== undefined ? { json: body } : {}),
        timeout: { request: timeoutMs },
        ...(idempotencyKey !== undefined ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
        context: { idempotent, idempotencyKeySent: idempotencyKey !== undefined, tries },
        ...(requestOptions.signal ? { signal: requestOptions.signal } : {}),
      });
      const parsed = parseJson(response.body);
      // Redirects are not followed (they would drop the token or replay a POST); a 3xx is an answer to report.
      if (response.statusCode >= 300) throw new HookfleetApiError({ method, path, status: response.statusCode, body: parsed });
      if (typeof parsed === 'string') throw new HookfleetClientError(`hookfleet ${method} ${path} answered ${response.statusCode} with a body that is not JSON`);
      return parsed as Result;
    } catch (error) {
      // got reports the abort as its own AbortError; the caller's reason is what it can recognise.
      if (requestOptions.signal?.aborted) throw requestOptions.signal.reason;
      // A DELETE tried again after a try that may have deleted finds nothing to delete: that is what was asked.
      if (error instanceof HTTPError && method === 'DELETE' && error.response.statusCode === 404 && tries.earlierMayHaveActed) return undefined as Result;
      if (error instanceof HTTPError) {
        const retryAfter = error.response.headers['retry-after'];
        throw new HookfleetApiError({
          method,
          path,
          status: error.response.statusCode,
          body: parseJson(responseText(error)),
          retryAfterMs: parseRetryAfterMs(retryAfter) ?? undefined,
        });
      }
      if (error instanceof TimeoutError) throw new HookfleetTimeoutError(options.url, timeoutMs, error);
      // System errors (ECONNREFUSED, ENOTFOUND …) mean no answer; got's own ERR_* codes are something else.
      if (error instanceof RequestError && /^E[A-Z]+$/.test(error.code)) throw new HookfleetConnectionError(options.url, error.code, error);
      throw error;
    }
  };
}
