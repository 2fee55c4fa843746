import type { Subscription, SubscriptionInput } from '@hookfleet/client';
import type { ParsedInput } from '../command.js';
import { UsageError } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';

/** `subscriptions create`'s --destination: where deliveries go when it is not an HTTP endpoint (docs/api.md). */
export const destinationOption = {
  type: 'string',
  value: 'json',
  description: 'instead of <endpoint-url>: {"type":"rabbitmq","url":"amqp://…","exchange":"…","routing_key":"…"} or {"type":"nats","servers":["nats://…"],"subject":"…"}',
} as const;

/** The endpoint URL argument or the --destination JSON, exactly one (the API checks the shape and names its fields). */
export function destinationInput(input: ParsedInput): Pick<SubscriptionInput, 'url' | 'destination'> {
  const json = input.string('destination');
  const url = input.positionals[0];
  if (json !== undefined && url !== undefined) throw new UsageError('give <endpoint-url> or --destination, not both');
  if (json === undefined) return { url: input.argument(0, 'endpoint-url') };
  const destination = parseJsonFlag('destination', json);
  if (typeof destination !== 'object' || destination === null || Array.isArray(destination)) throw new UsageError('--destination must be a JSON object with a "type"');
  return { destination: destination as SubscriptionInput['destination'] };
}

/** Where a subscription's deliveries go, in one line: the URL, or the broker and its names (passwords as the API shows them: ***). */
export function destinationLabel(subscription: Pick<Subscription, 'url' | 'destination'>): string {
  const destination = subscription.destination;
  if (destination.type === 'rabbitmq') return `rabbitmq ${destination.url} exchange=${destination.exchange || '(default)'} routing_key=${destination.routing_key}`;
  if (destination.type === 'nats') return `nats ${destination.servers.join(',')} subject=${destination.subject}`;
  if (destination.type === 'poll') return 'poll';
  return subscription.url;
}
