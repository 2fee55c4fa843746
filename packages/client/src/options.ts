/** How many times a failed request is tried again, and how long the client may wait in between. */
export interface RetryOptions {
  /**
   * Retries after the first try (so `limit + 1` tries at most).
   * @defaultValue 3
   */
  limit?: number;
  /**
   * First backoff delay when the API sends no `Retry-After`; it doubles on each retry.
   * @defaultValue 500
   */
  baseDelayMs?: number;
  /**
   * The longest the client waits before one retry. A `Retry-After` longer than this is not waited out:
   * the request fails with the API's answer and its `retryAfterMs`, and the caller decides.
   * @defaultValue 30000
   */
  maxDelayMs?: number;
}

export interface ClientOptions {
  /**
   * The API's base URL.
   * @defaultValue `HOOKFLEET_URL`, else `http://127.0.0.1:3000`
   */
  url?: string;
  /**
   * Bearer token: the operator's admin token or a tenant's API key.
   * @defaultValue `HOOKFLEET_TOKEN`, else none (the API answers 401)
   */
  token?: string;
  retry?: RetryOptions;
  /**
   * Timeout of one try, from connect to the last byte of the answer.
   * @defaultValue 30000
   */
  timeoutMs?: number;
}

export interface ResolvedClientOptions {
  url: string;
  token: string | undefined;
  retry: Required<RetryOptions>;
  timeoutMs: number;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';

const defaultRetry = { limit: 3, baseDelayMs: 500, maxDelayMs: 30_000 } satisfies Required<RetryOptions>;
const DEFAULT_TIMEOUT_MS = 30_000;

type Environment = Record<string, string | undefined>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A token as read from a secret file or pasted: the spaces and line break around it are never part of it, and a line
 * break in the Authorization header is refused by Node before anything is sent ("Invalid character in header content").
 */
function bareToken(token: string | undefined): string | undefined {
  return token?.trim();
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`hookfleet client: ${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** Fills the defaults; the environment is read only for what the options leave out. */
export function resolveClientOptions(options: ClientOptions = {}, env: Environment = process.env): ResolvedClientOptions {
  const url = options.url ?? nonEmpty(env.HOOKFLEET_URL) ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`hookfleet client: url must be an absolute http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`hookfleet client: url must be http(s), got "${url}"`);
  const retry = options.retry ?? {};
  return {
    url: url.replace(/\/+$/, ''),
    token: bareToken(options.token) ?? nonEmpty(bareToken(env.HOOKFLEET_TOKEN)),
    retry: {
      limit: nonNegativeInteger('retry.limit', retry.limit ?? defaultRetry.limit),
      baseDelayMs: nonNegativeInteger('retry.baseDelayMs', retry.baseDelayMs ?? defaultRetry.baseDelayMs),
      maxDelayMs: nonNegativeInteger('retry.maxDelayMs', retry.maxDelayMs ?? defaultRetry.maxDelayMs),
    },
    timeoutMs: Math.max(1, nonNegativeInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS)),
  };
}
