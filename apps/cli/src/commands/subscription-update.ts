import type { SubscriptionUpdate } from '@hookfleet/client';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';
import { printFields, printJson } from '../output.js';
import { parseSignatureScheme, signatureOption } from './signature-option.js';
import { subscriptionFields } from './subscription-view.js';

export const subscriptionsUpdate: Command = {
  name: 'subscriptions update',
  summary: "change a subscription's signature scheme, filter, events or description",
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    signature: signatureOption,
    filter: { type: 'string', value: 'json', description: 'deliver only events this predicate takes; null removes it' },
    events: { type: 'string', multiple: true, value: 'types', description: 'event types or patterns, comma-separated' },
    description: { type: 'string', value: 'text', description: 'a note for people' },
  },
  examples: [
    `hookfleet subscriptions update sub_123 --filter '{"$or":[{"type":"invoice.paid"},{"data.amount":{"$gt":1000}}]}'`,
    'hookfleet subscriptions update sub_123 --filter null',
    'hookfleet subscriptions update sub_123 --signature v1a',
  ],
  async run({ io, json, client }, input) {
    const filter = input.string('filter');
    const events = input.list('events');
    const description = input.string('description');
    const update: SubscriptionUpdate = {
      ...parseSignatureScheme(input),
      ...(filter !== undefined ? { filter: parseJsonFlag('filter', filter) as SubscriptionUpdate['filter'] } : {}),
      ...(events.length > 0 ? { events } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    if (Object.keys(update).length === 0) throw new UsageError('nothing to change: give --signature, --filter, --events or --description');
    const subscription = await client().subscriptions.update(input.argument(0, 'subscription'), update);
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, subscriptionFields(subscription));
  },
};
