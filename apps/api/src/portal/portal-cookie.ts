import type { Request, Response } from 'express';
import type { CredentialExtractor } from '../auth.js';
import { PORTAL_TOKEN_PREFIX } from './portal-token.js';

export const PORTAL_COOKIE = 'hookfleet_portal';
/**
 * The portal's pages send this header on every call. A cross-origin page cannot add it without a CORS preflight
 * (which the API never grants), so the cookie cannot be ridden by a form or a script on a sibling origin.
 */
export const PORTAL_REQUEST_HEADER = 'x-hookfleet-portal';

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function fromPortalPage(request: Request): boolean {
  return request.headers[PORTAL_REQUEST_HEADER] === '1';
}

/** The portal token in the session cookie, only on requests made by the portal's own pages. */
export const portalCookieCredential: CredentialExtractor = (request) => {
  if (!fromPortalPage(request)) return undefined;
  const token = readCookie(request.headers.cookie, PORTAL_COOKIE);
  return token?.startsWith(PORTAL_TOKEN_PREFIX) ? token : undefined;
};

export function setPortalCookie(request: Request, response: Response, token: string, expiresAt: number): void {
  response.cookie(PORTAL_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.secure,
    maxAge: Math.max(0, expiresAt - Date.now()),
    encode: String,
  });
}

export function clearPortalCookie(request: Request, response: Response): void {
  response.clearCookie(PORTAL_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: request.secure });
}
