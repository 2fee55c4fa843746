import { countOf } from '../output.js';
import type { ReceivedDelivery } from './receiver.js';

function header(delivery: ReceivedDelivery, name: string): string | null {
  const value = delivery.headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function parsedBody(delivery: ReceivedDelivery): unknown {
  const text = delivery.body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function eventType(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'type' in body && typeof body.type === 'string') return body.type;
  return null;
}

/** One JSON line a delivery, for `listen --json | jq`. */
export function deliveryJson(delivery: ReceivedDelivery): string {
  return JSON.stringify({
    received_at: delivery.receivedAt.toISOString(),
    method: delivery.method,
    path: delivery.path,
    webhook_id: header(delivery, 'webhook-id'),
    profile: delivery.signature.profile,
    signature: delivery.signature.verdict,
    error: delivery.signature.error,
    headers: delivery.headers,
    body: parsedBody(delivery),
  });
}

const VERDICT_LABELS = { verified: '✔ verified', invalid: '✘ INVALID', unchecked: '? unchecked', unsigned: '- unsigned' } as const;

/**
 * What the delivery is about: its event type, or for a batch (a JSON array of deliveries, docs/delivery.md,
 * "Batches") how many and their types, where a lone type would be missing.
 */
function subject(body: unknown): string | null {
  if (!Array.isArray(body)) return eventType(body);
  const types = [...new Set(body.map(eventType).filter((type) => type !== null))];
  return `batch of ${countOf(body.length, 'delivery', 'deliveries')}${types.length > 0 ? `: ${types.join(', ')}` : ''}`;
}

/** `12:00:01  ✔ verified  standard  POST /hook  dlv_1  invoice.paid`, then the body, indented. */
export function deliveryText(delivery: ReceivedDelivery): string {
  const body = parsedBody(delivery);
  const { signature } = delivery;
  const fields = [
    delivery.receivedAt.toISOString().slice(11, 23),
    VERDICT_LABELS[signature.verdict],
    signature.profile ?? '-',
    `${delivery.method} ${delivery.path}`,
    header(delivery, 'webhook-id') ?? '-',
    subject(body) ?? '',
  ];
  const reason =
    signature.verdict === 'invalid'
      ? `\n  signature: ${signature.error}`
      : signature.verdict === 'unchecked'
        ? `\n  signature: not checked (pass ${signature.needs ?? '--secret'})`
        : '';
  const pretty = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  const indented = pretty
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `${fields.join('  ').trimEnd()}${reason}\n${indented}\n`;
}
