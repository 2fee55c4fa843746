import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { backoffMs } from './backoff.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True while the first load (or a load after an error) runs; a refresh keeps showing the data it has. */
  loading: boolean;
  reload(): void;
  set(data: T): void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('Something went wrong in the portal. Reload the page.', 0);
}

/** Loads when `deps` change; an answer that arrives after a newer load started is dropped. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: ApiError | undefined; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const current = ++generation.current;
    setState((previous) => ({ ...previous, loading: previous.data === undefined || previous.error !== undefined }));
    load().then(
      (data) => {
        if (current === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (current === generation.current) setState((previous) => ({ data: previous.data, error: asApiError(error), loading: false }));
      },
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((value) => value + 1), []);
  const set = useCallback((data: T) => setState({ data, error: undefined, loading: false }), []);
  return { ...state, reload, set };
}

/**
 * Loads `resource` again while its error is transient (`ApiError.transient`: no answer, 429, 5xx), waiting longer
 * after each refusal in a row and never sooner than its Retry-After (backoff.ts): one failed read would otherwise
 * leave it empty until the page reloads.
 */
export function useReloadWhileTransient<T>(resource: Resource<T>): void {
  const refusals = useRef(0);
  const { error, reload } = resource;
  useEffect(() => {
    if (!error) {
      refusals.current = 0;
      return;
    }
    if (!error.transient) return;
    refusals.current += 1;
    const timer = setTimeout(reload, backoffMs(refusals.current, error.retryAfterMs));
    return () => clearTimeout(timer);
  }, [error, reload]);
}

/** Calls `action` every `ms` while the page is visible. */
export function useInterval(action: () => void, ms: number): void {
  const latest = useRef(action);
  latest.current = action;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') latest.current();
    }, ms);
    return () => clearInterval(timer);
  }, [ms]);
}
