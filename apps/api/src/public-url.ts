import type { Request } from 'express';
import type { HookfleetConfig } from '@hookfleet/core';

/** What decides the address clients reach the API at: HOOKFLEET_PUBLIC_URL, HOOKFLEET_TRUST_PROXY. */
export type PublicUrlSettings = Pick<HookfleetConfig, 'publicUrl' | 'trustProxy'>;

/** host, host:port or [v6]:port; anything else in X-Forwarded-Host (a path, a user, a scheme) is not a host. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The first value of a header a chain of proxies may have appended to (`https, http`). */
function firstForwarded(request: Request, name: string): string | undefined {
  const value = request.get(name)?.split(',')[0]?.trim();
  return value ? value : undefined;
}

/**
 * The base (scheme://host[/prefix], no trailing slash) of the links this API hands out: portal links and the
 * OpenAPI `servers`. HOOKFLEET_PUBLIC_URL wins; without it the request names it, and X-Forwarded-Proto/-Host only
 * when HOOKFLEET_TRUST_PROXY says a proxy in front sets them (anyone else could forge them). See docs/deployment.md.
 */
export function publicBaseUrl(settings: PublicUrlSettings, request: Request): string {
  if (settings.publicUrl) return settings.publicUrl;
  // request.protocol is the connection's own (Express's `trust proxy` stays off: the choice is made here).
  const direct = { proto: request.protocol, host: request.get('host') ?? '127.0.0.1' };
  if (!settings.trustProxy) return `${direct.proto}://${direct.host}`;
  const proto = firstForwarded(request, 'x-forwarded-proto')?.toLowerCase();
  const forwardedHost = firstForwarded(request, 'x-forwarded-host');
  const host = forwardedHost && HOST.test(forwardedHost) ? forwardedHost : undefined;
  return `${proto === 'https' || proto === 'http' ? proto : direct.proto}://${host ?? direct.host}`;
}
