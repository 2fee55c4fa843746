import type { Subscription, SubscriptionUpdate } from '@hookfleet/client';
import type { Command, ParsedInput } from '../command.js';
import { UsageError } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';
import { printFields, printJson } from '../output.js';
import { parseSignatureScheme, signatureOption } from './signature-option.js';
import { subscriptionFields } from './subscription-view.js';
import { destinationOption } from './destination-flag.js';
import { endpointOptionClearFlags, endpointOptionFlags, endpointOptionsUpdate } from './endpoint-option-flags.js';
import { metadataUpdateOption, parseMetadataFlag } from './metadata-flag.js';
import { orderedOption, parseDelaySeconds, parseRateLimit, subscriptionFieldFlags } from './subscriptions.js';

/** A flag and the `--no-` flag that undoes it, given together: a usage error naming both. */
function refuseBoth(input: ParsedInput, flag: string, given: boolean): void {
  if (given && input.boolean(`no-${flag}`)) throw new UsageError(`give --${flag} or --no-${flag}, not both`);
}

/** --rate-limit, --delay and --ordered, and the flags that put them back: only what is given. */
function deliveryPaceUpdate(input: ParsedInput): Pick<SubscriptionUpdate, 'rate_limit' | 'delay_seconds' | 'ordered'> {
  const rateLimit = input.string('rate-limit');
  const delay = input.string('delay');
  refuseBoth(input, 'rate-limit', rateLimit !== undefined);
  refuseBoth(input, 'ordered', input.boolean('ordered'));
  return {
    ...(rateLimit !== undefined ? { rate_limit: parseRateLimit(rateLimit) } : input.boolean('no-rate-limit') ? { rate_limit: null } : {}),
    ...(delay !== undefined ? { delay_seconds: parseDelaySeconds(delay) } : {}),
    ...(input.boolean('ordered') ? { ordered: true } : input.boolean('no-ordered') ? { ordered: false } : {}),
  };
}

export const subscriptionsUpdate: Command = {
  name: 'subscriptions update',
  summary: "change a subscription's destination, signature scheme, filter, events, description, metadata, pace, order or delivery options",
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    signature: signatureOption,
    filter: { type: 'string', value: 'json', description: 'deliver only events this predicate takes; null removes it' },
    events: { type: 'string', multiple: true, value: 'types', description: 'event types or patterns, comma-separated' },
    description: { type: 'string', value: 'text', description: 'a note for people' },
    metadata: metadataUpdateOption,
    endpoint: { type: 'string', value: 'url', description: 'a new endpoint URL (an HTTP destination)' },
    destination: destinationOption,
    ...endpointOptionFlags,
    ...endpointOptionClearFlags,
    'rate-limit': { type: 'string', value: 'rate', description: 'at most this many deliveries: 10/s or 600/m' },
    'no-rate-limit': { type: 'boolean', description: 'remove its rate limit' },
    delay: { type: 'string', value: 'seconds', description: 'wait this long after each event before the first attempt (90, 90s, 5m; 0: none)' },
    ordered: orderedOption,
    'no-ordered': { type: 'boolean', description: 'deliver in any order again, several at a time' },
  },
  examples: [
    `hookfleet subscriptions update sub_123 --filter '{"$or":[{"type":"invoice.paid"},{"data.amount":{"$gt":1000}}]}'`,
    'hookfleet subscriptions update sub_123 --filter null',
    'hookfleet subscriptions update sub_123 --signature v1a',
    `hookfleet subscriptions update sub_123 --metadata '{"customer":"c_1"}'`,
    'hookfleet subscriptions update sub_123 --header "X-Env: prod" --retry 10s,5m,1h --timeout 5s',
    'hookfleet subscriptions update sub_123 --batch-wait 200ms',
    'hookfleet subscriptions update sub_123 --rate-limit 600/m --delay 30s --ordered',
    'hookfleet subscriptions update sub_123 --no-batch --no-retry --no-timeout --no-headers --no-rate-limit',
  ],
  fieldFlags: [{ path: 'url', flag: '--endpoint' }, ...subscriptionFieldFlags],
  async run({ io, json, client }, input) {
    const id = input.argument(0, 'subscription');
    let read: Promise<Subscription> | undefined;
    const stored = () => (read ??= client().subscriptions.get(id));
    const filter = input.string('filter');
    const events = input.list('events');
    const description = input.string('description');
    const metadata = input.string('metadata');
    const url = input.string('endpoint');
    const destination = input.string('destination');
    const update: SubscriptionUpdate = {
      ...(await endpointOptionsUpdate(input, stored)),
      ...deliveryPaceUpdate(input),
      ...(url !== undefined ? { url } : {}),
      ...(destination !== undefined ? { destination: parseJsonFlag('destination', destination) as SubscriptionUpdate['destination'] } : {}),
      ...parseSignatureScheme(input),
      ...(filter !== undefined ? { filter: parseJsonFlag('filter', filter) as SubscriptionUpdate['filter'] } : {}),
      ...(events.length > 0 ? { events } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(metadata !== undefined ? { metadata: parseMetadataFlag(metadata) } : {}),
    };
    if (Object.keys(update).length === 0) {
      throw new UsageError(
        'nothing to change: give --endpoint, --destination, --signature, --filter, --events, --description, --metadata, --header, --retry, --timeout, --batch, --rate-limit, --delay, --ordered or a --no- flag',
      );
    }
    const subscription = await client().subscriptions.update(id, update);
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, subscriptionFields(subscription));
  },
};
