import got, { HTTPError, RequestError, TimeoutError, type Got } from 'got';
import { HookfleetApiError, HookfleetClientError, HookfleetConnectionError, HookfleetTimeoutError } from './errors.js';
import type { ResolvedClientOptions } from './options.js';
import { parseRetryAfterMs, RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryDelayMs } from './retry-policy.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | Date | null | undefined;

export interface RequestOptions {
  /** Query parameters; `undefined` and `null` are left out, a Date is sent as ISO-8601. */
  query?: Record<string, QueryValue>;
  /**
   * Whether sending the request twice has the effect of sending it once. Idempotent requests are retried on any
   * 408/429/5xx and connection error; the others only when the API surely did not act (429, 503, not connected).
   * @defaultValue every method but POST
   */
  idempotent?: boolean;
  /** Cuts the request (and any retry waiting) off; the promise then rejects with `signal.reason`, as fetch does. */
  signal?: AbortSignal | undefined;
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
      calculateDelay: ({ attemptCount, error, retryAfter }) =>
        retryDelayMs({
          failedTries: attemptCount,
          idempotent: error.options.context.idempotent === true,
          statusCode: error.response?.statusCode,
          errorCode: error.response ? undefined : error.code,
          retryAfterMs: retryAfter,
          retry: options.retry,
        }),
    },
  });
}

export function createRequest(options: ResolvedClientOptions): RequestFunction {
  const http = createGot(options);
  return async <Result>(method: HttpMethod, path: string, body?: unknown, requestOptions: RequestOptions = {}): Promise<Result> => {
    const idempotent = requestOptions.idempotent ?? method !== 'POST';
    try {
      const response = await http(buildUrl(options.url, path, requestOptions.query), {
        method,
        ...(body !== undefined ? { json: body } : {}),
        context: { idempotent },
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
      if (error instanceof HTTPError) {
        const retryAfter = error.response.headers['retry-after'];
        throw new HookfleetApiError({
          method,
          path,
          status: error.response.statusCode,
          body: parseJson(responseText(error)),
          retryAfterMs: parseRetryAfterMs(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
        });
      }
      if (error instanceof TimeoutError) throw new HookfleetTimeoutError(options.url, options.timeoutMs, error);
      // System errors (ECONNREFUSED, ENOTFOUND …) mean no answer; got's own ERR_* codes are something else.
      if (error instanceof RequestError && /^E[A-Z]+$/.test(error.code)) throw new HookfleetConnectionError(options.url, error.code, error);
      throw error;
    }
  };
}
