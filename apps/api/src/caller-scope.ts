import { createHash } from 'node:crypto';
import type { Principal } from './auth.js';

/**
 * Who a caller is, as far as state kept per caller goes (its rate-limit bucket, its idempotency keys): the operator; a
 * tenant key its tenant; a portal session its scope — the tenant, the `created_by` it is narrowed to and the
 * subscriptions it may see — so that two customers of one tenant never share a bucket or an idempotent answer, while
 * one customer's sessions (tabs, links opened again) do.
 */
export function callerScopeOf(principal: Principal): string {
  if (principal.kind === 'operator') return 'operator';
  if (principal.kind === 'tenant') return `tenant:${principal.tenantId}`;
  const subscriptions = principal.subscriptionIds ? createHash('sha256').update([...principal.subscriptionIds].sort().join(',')).digest('base64url').slice(0, 16) : '*';
  return `portal:${principal.tenantId}:${principal.createdBy === null ? '*' : `u:${principal.createdBy}`}:${subscriptions}`;
}
