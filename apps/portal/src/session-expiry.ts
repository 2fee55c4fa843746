import { useEffect } from 'preact/hooks';
import { currentSession } from './session.js';
import type { PortalSession } from './types.js';

/** How long after the session's end the page asks the API again when the API still takes it (clocks differ). */
const RECHECK_MS = 30_000;

/**
 * Calls `ended` once the portal session has run out, even on a page that asks the API nothing more (the endpoints
 * list): without it the page would go on showing data and a "Session ends in …" that is no longer true, until the
 * next click met a 401. The browser's clock says when to look; the API says whether it has ended (GET
 * /portal/session), so a browser clock ahead of the API's does not end a session that still works.
 */
export function useSessionExpiry(session: PortalSession | null, ended: () => void): void {
  const expiresAt = session ? Date.parse(session.expires_at) : Number.NaN;
  useEffect(() => {
    if (Number.isNaN(expiresAt)) return;
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const check = async () => {
      const still = await currentSession().catch(() => undefined);
      if (stopped) return;
      if (still === null) ended();
      else timer = setTimeout(check, RECHECK_MS);
    };
    timer = setTimeout(check, Math.max(0, expiresAt - Date.now()) + 500);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [expiresAt, ended]);
}
