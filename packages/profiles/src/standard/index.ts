import { randomBytes } from 'node:crypto';
import { HOUR, MINUTE, SECOND } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { signStandardWebhook } from './signature.js';

const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** `invoice.paid` is matched by `invoice.paid`, `invoice.*` and `*`. */
function patternsFor(type: string): string[] {
  const patterns = [type, '*'];
  const parts = type.split('.');
  for (let length = 1; length < parts.length; length += 1) {
    patterns.push(`${parts.slice(0, length).join('.')}.*`);
  }
  return patterns;
}

export const standardProfile = {
  name: 'standard',
  description: 'Standard Webhooks: signed { type, timestamp, data } for any event type',
  events: [
    { type: '*', description: 'Any event type (dotted names such as invoice.paid); subscribe to `*` or a prefix such as `invoice.*`' },
  ],
  openCatalogue: true,
  generateSecret: () => `whsec_${randomBytes(24).toString('base64')}`,
  isKnownEventType: (type) => EVENT_TYPE.test(type),
  isValidSubscriptionEvent: (pattern) => pattern === '*' || EVENT_TYPE.test(pattern.replace(/\.\*$/, '')),
  subscriptionPatternsFor: patternsFor,
  buildRequest({ deliveryId, event, subscription, now }) {
    const body = JSON.stringify({ type: event.type, timestamp: event.occurred_at, data: event.data });
    const headers: Record<string, string> = {
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    };
    if (subscription.secret) headers['webhook-signature'] = signStandardWebhook(subscription.secret, deliveryId, now, body);
    return { body, headers };
  },
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
} satisfies ProviderProfile;
