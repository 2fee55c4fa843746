import type { Subscription } from '@hookfleet/client';
import { activeLabel } from '../output.js';
import type { Column } from '../table.js';
import { formatTimestamp } from '../time.js';
import { destinationLabel } from './destination-flag.js';
import { endpointOptionFields } from './endpoint-option-flags.js';

export const subscriptionColumns: ReadonlyArray<Column<Subscription>> = [
  { header: 'ID', value: (subscription) => subscription.id },
  { header: 'PROFILE', value: (subscription) => subscription.profile },
  { header: 'ACTIVE', value: activeLabel },
  { header: 'EVENTS', value: (subscription) => subscription.events.join(','), maxWidth: 40 },
  { header: 'URL', value: destinationLabel },
];

function rateLimitLabel(rateLimit: Subscription['rate_limit']): string {
  if (!rateLimit) return 'none';
  return 'per_second' in rateLimit ? `${rateLimit.per_second}/s` : `${rateLimit.per_minute}/m`;
}

/** Every field a person needs about one subscription, the secret included (`listen --secret` needs it). */
export function subscriptionFields(subscription: Subscription): Array<[string, string]> {
  return [
    ['id', subscription.id],
    ['tenant', subscription.tenant],
    ['profile', subscription.profile],
    ['destination', destinationLabel(subscription)],
    ['events', subscription.events.join(', ')],
    ['active', activeLabel(subscription)],
    ['secret', subscription.secret ?? '-'],
    ['signature', subscription.signature],
    ['description', subscription.description ?? '-'],
    ['metadata', Object.keys(subscription.metadata).length > 0 ? JSON.stringify(subscription.metadata) : 'none'],
    ['delay', `${subscription.delay_seconds}s`],
    ['rate limit', rateLimitLabel(subscription.rate_limit)],
    ['ordered', subscription.ordered ? 'yes: one at a time, in event order' : 'no'],
    ['filter', subscription.filter ? JSON.stringify(subscription.filter) : 'none'],
    ...endpointOptionFields(subscription),
    ['created', formatTimestamp(subscription.created_at)],
    ['updated', formatTimestamp(subscription.updated_at)],
  ];
}
