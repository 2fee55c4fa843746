import { ApiError, PORTAL_HEADERS, request } from './api.js';
import type { PortalSession } from './types.js';

export type SessionState =
  | { kind: 'ready'; session: PortalSession }
  /** `link`: the portal link was refused (expired, forged, another fleet's); `none`: no session yet; `ended`: it ran out. */
  | { kind: 'signed-out'; reason: 'link' | 'none' | 'ended' };

/** Fired by any call that gets a 401, so the whole page turns to the signed-out view and shows nothing else. */
export const SESSION_ENDED = 'portal:session-ended';

async function exchange(authorization: string, body: unknown = {}): Promise<void> {
  await request('POST', '/portal/session', body, { authorization });
}

export async function currentSession(): Promise<PortalSession | null> {
  try {
    return await request<PortalSession>('GET', '/portal/session');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

/**
 * A portal link carries its token in the URL fragment (never sent to a server): it is taken out of the address
 * bar at once and exchanged for the HttpOnly session cookie, which the page itself can never read.
 */
export async function startSession(): Promise<SessionState> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) {
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    try {
      await exchange(`Bearer ${token}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        await signOut();
        return { kind: 'signed-out', reason: 'link' };
      }
      throw error;
    }
  }
  const session = await currentSession();
  return session ? { kind: 'ready', session } : { kind: 'signed-out', reason: 'none' };
}

/** A tenant key, or the operator token with the tenant to open: exchanged for a portal session, never kept. */
export async function signIn(key: string, tenant: string): Promise<SessionState> {
  await exchange(`Bearer ${key.trim()}`, tenant.trim() ? { tenant: tenant.trim() } : {});
  const session = await currentSession();
  return session ? { kind: 'ready', session } : { kind: 'signed-out', reason: 'none' };
}

export async function signOut(): Promise<void> {
  await fetch('/portal/session', { method: 'DELETE', credentials: 'same-origin', headers: PORTAL_HEADERS }).catch(() => undefined);
}
