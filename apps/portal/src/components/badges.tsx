import { DELIVERY_STATUS_WORDS, disabledReasonWords, statusCodeClass } from '../format.js';
import type { DeliveryStatus, Endpoint } from '../types.js';

export function ActiveBadge({ endpoint }: { endpoint: Pick<Endpoint, 'active' | 'disabled_reason'> }) {
  return endpoint.active ? <span class="badge badge-ok">Active</span> : <span class="badge badge-bad">{disabledReasonWords(endpoint.disabled_reason)}</span>;
}

const DELIVERY_BADGE: Record<DeliveryStatus, string> = { pending: 'badge-info', delivered: 'badge-ok', failed: 'badge-warn', dead: 'badge-bad' };

export function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  return (
    <span class={`badge ${DELIVERY_BADGE[status]}`} data-status={status}>
      {DELIVERY_STATUS_WORDS[status]}
    </span>
  );
}

export function StatusCode({ code, error }: { code: number | null; error?: string | null }) {
  if (code === null) return <span class="code code-none" title={error ?? undefined}>{error ? error : 'no answer'}</span>;
  return <span class={`code code-${statusCodeClass(code)}`}>{code}</span>;
}
