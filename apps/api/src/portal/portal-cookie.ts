import type { Request, Response } from 'express';
import type { CredentialExtractor } from '../auth.js';
import { publicBaseUrl, type PublicUrlSettings } from '../public-url.js';
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

/**
 * A request the portal's own pages made: with the header, and not one a browser marks as sent by another origin
 * (`Sec-Fetch-Site`, which no page can set). The second check holds even where something in front of the API answers
 * CORS preflights for any origin, which would let a sibling origin add the header and ride the cookie.
 */
export function fromPortalPage(request: Request): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  return request.headers[PORTAL_REQUEST_HEADER] === '1' && (fetchSite === undefined || fetchSite === 'same-origin');
}

/** The portal token in the session cookie, only on requests made by the portal's own pages. */
export const portalCookieCredential: CredentialExtractor = (request) => {
  if (!fromPortalPage(request)) return undefined;
  const token = readCookie(request.headers.cookie, PORTAL_COOKIE);
  return token?.startsWith(PORTAL_TOKEN_PREFIX) ? token : undefined;
};

/**
 * Secure whenever the portal is reached over https: on the connection itself, or at the public address a
 * TLS-terminating proxy serves (HOOKFLEET_PUBLIC_URL, or X-Forwarded-Proto under HOOKFLEET_TRUST_PROXY), where the
 * API itself hears plain http and a browser sent to an http address must not hand the cookie over.
 */
export function portalCookieSecure(publicUrl: PublicUrlSettings, request: Request): boolean {
  return request.secure || publicBaseUrl(publicUrl, request).startsWith('https:');
}

export function setPortalCookie(response: Response, token: string, expiresAt: number, secure: boolean): void {
  response.cookie(PORTAL_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure,
    maxAge: Math.max(0, expiresAt - Date.now()),
    encode: String,
  });
}

export function clearPortalCookie(response: Response, secure: boolean): void {
  response.clearCookie(PORTAL_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure });
}
