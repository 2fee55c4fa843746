import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { ValidationFailed } from '@hookfleet/core';
import type { CompatApi, CompatRequest } from '@hookfleet/profiles';
import { principalOf } from '../auth.js';
import { publicBaseUrl, type PublicUrlSettings } from '../public-url.js';

/** The header an operator names the tenant with on compat routes (a tenant key implies its tenant). */
export const OPERATOR_TENANT_HEADER = 'hookfleet-tenant';
const MAX_SCOPE_LENGTH = 200;

export function lowerCaseHeaders(request: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return headers;
}

export function newRequestId(): string {
  return randomBytes(16).toString('hex');
}

function tenantOf(request: Request, headers: Record<string, string | undefined>): string {
  const principal = principalOf(request);
  if (principal.kind === 'tenant') return principal.tenantId;
  const named = headers[OPERATOR_TENANT_HEADER]?.trim();
  if (!named) throw new ValidationFailed('tenant required', [{ path: OPERATOR_TENANT_HEADER, message: `the operator names the tenant in the ${OPERATOR_TENANT_HEADER} header` }]);
  return named;
}

/**
 * What a profile's pure mappings see of an authenticated Express request. Its `url` starts at the public address
 * (public-url.ts), as every link this API hands out does: Gigapay's page links must work behind a proxy.
 */
export function toCompatRequest(request: Request, api: CompatApi, requestId: string, publicUrl: PublicUrlSettings): CompatRequest {
  const headers = lowerCaseHeaders(request);
  const scope = api.scope?.(headers) ?? '';
  if (scope.length > MAX_SCOPE_LENGTH) throw new ValidationFailed('scope too long', [{ path: '(headers)', message: `at most ${MAX_SCOPE_LENGTH} characters` }]);
  return {
    method: request.method,
    params: Object.fromEntries(Object.entries(request.params ?? {}).map(([name, value]) => [name, String(value)])),
    query: request.query as Record<string, unknown>,
    headers,
    url: `${publicBaseUrl(publicUrl, request)}${request.originalUrl.split('?')[0] ?? ''}`,
    requestId,
    tenant: tenantOf(request, headers),
    scope,
  };
}
