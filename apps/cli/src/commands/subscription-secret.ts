import type { Command } from '../command.js';
import { printFields, printJson } from '../output.js';
import { formatTimestamp } from '../time.js';

export const subscriptionsRotateSecret: Command = {
  name: 'subscriptions rotate-secret',
  summary: "replace a subscription's signing secret; the old one keeps signing beside it for 24 h, so receivers can switch",
  args: [{ name: 'subscription', description: 'the subscription id' }],
  options: {
    secret: { type: 'string', value: 'secret', description: 'the new secret (default: a generated whsec_… for signing profiles)' },
  },
  examples: ['hookfleet subscriptions rotate-secret sub_123', 'hookfleet subscriptions rotate-secret sub_123 --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  async run({ io, json, client }, input) {
    const secret = input.string('secret');
    const subscription = await client().subscriptions.rotateSecret(input.argument(0, 'subscription'), secret !== undefined ? { secret } : {});
    if (json) return printJson(io.stdout, subscription);
    printFields(io.stdout, [
      ['id', subscription.id],
      ['secret', subscription.secret ?? '-'],
      ['previous secret signs until', subscription.previous_secret_expires_at ? formatTimestamp(subscription.previous_secret_expires_at) : '-'],
    ]);
  },
};
