import { UsageError } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';

/** `subscriptions create`'s --metadata: the tenant's bookkeeping, kept with the subscription (docs/api.md). */
export const metadataOption = { type: 'string', value: 'json', description: 'a JSON object kept with the subscription: {"customer":"c_1"}' } as const;

/** `subscriptions update`'s: the API's PATCH replaces the whole object, and takes `{}`, not null, for none. */
export const metadataUpdateOption = {
  type: 'string',
  value: 'json',
  description: 'a JSON object that replaces the stored metadata (keys left out are removed); {} removes it all',
} as const;

/** --metadata's JSON, which must be an object on create and update alike; a usage error naming the flag otherwise. */
export function parseMetadataFlag(text: string): Record<string, unknown> {
  const metadata = parseJsonFlag('metadata', text);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    const got = metadata === null ? 'null' : Array.isArray(metadata) ? 'a list' : typeof metadata;
    throw new UsageError(`--metadata must be a JSON object such as {"customer":"c_1"} ({} for none), got ${got}`);
  }
  return metadata as Record<string, unknown>;
}
