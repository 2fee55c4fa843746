import type { SubscriptionUpdate } from '@hookfleet/client';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';
import { printFields, printJson } from '../output.js';
import { parseSignatureScheme, signatureOption } from './signature-option.js';
import { subscriptionFields } from './subscription-view.js';
import { destinationOption } from './destination-flag.js';
import { endpointOptionFlags, endpointOptionsInput } from './endpoint-option-flags.js';

export const subscriptionsUpdate: Command = {
  name: 'subscriptions update',
  summary: "change a subscription's destination, signature scheme, filter, events, description or delivery options",
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    signature: signatureOption,
    filter: { type: 'string', value: 'json', description: 'deliver only events this predicate takes; null removes it' },
    events: { type: 'string', multiple: true, value: 'types', description: 'event types or patterns, comma-separated' },
    description: { type: 'string', value: 'text', description: 'a note for people' },
    endpoint: { type: 'string', value: 'url', description: 'a new endpoint URL (an HTTP destination)' },
    destination: destinationOption,
    ...endpointOptionFlags,
  },
  examples: [
    `hookfleet subscriptions update sub_123 --filter '{"$or":[{"type":"invoice.paid"},{"data.amount":{"$gt":1000}}]}'`,
    'hookfleet subscriptions update sub_123 --filter null',
    'hookfleet subscriptions update sub_123 --signature v1a',
    'hookfleet subscriptions update sub_123 --header "X-Env: prod" --retry 10s,5m,1h --timeout 5s',
  ],
  async run({ io, json, client }, input) {
    const filter = input.string('filter');
    const events = input.list('events');
    const description = input.string('description');
    const url = input.string('endpoint');
    const destination = input.string('destination');
    const update: SubscriptionUpdate = {
      ...endpointOptionsInput(input),
      ...(url !== undefined ? { url } : {}),
      ...(destination !== undefined ? { destination: parseJsonFlag('destination', destination) as SubscriptionUpdate['destination'] } : {}),
      ...parseSignatureScheme(input),
      ...(filter !== undefined ? { filter: parseJsonFlag('filter', filter) as SubscriptionUpdate['filter'] } : {}),
      ...(events.length > 0 ? { events } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    if (Object.keys(update).length === 0) throw new UsageError('nothing to change: give --endpoint, --destination, --signature, --filter, --events, --description, --header, --retry, --timeout or --batch');
    const subscription = await client().subscriptions.update(input.argument(0, 'subscription'), update);
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, subscriptionFields(subscription));
  },
};
