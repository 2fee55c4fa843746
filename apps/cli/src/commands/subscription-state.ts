import type { Command } from '../command.js';
import { ExitCode } from '../errors.js';
import { parseJsonFlag } from '../json-input.js';
import { activeLabel, printJson } from '../output.js';

const subscriptionArgument = [{ name: 'subscription', description: 'the subscription id' }] as const;

function stateCommand(active: boolean): Command {
  const verb = active ? 'enable' : 'disable';
  return {
    name: `subscriptions ${verb}`,
    summary: active
      ? 'make a subscription active again; it receives new events (replay what it missed)'
      : 'stop deliveries to a subscription; events still arrive and can be replayed later',
    args: subscriptionArgument,
    options: {},
    examples: [`hookfleet subscriptions ${verb} sub_123`],
    async run({ io, json, client }, input) {
      const subscription = await client().subscriptions.update(input.argument(0, 'subscription'), { active });
      if (json) return printJson(io.stdout, subscription);
      io.stdout.write(`${subscription.id}: active ${activeLabel(subscription)}\n`);
    },
  };
}

export const subscriptionsEnable = stateCommand(true);
export const subscriptionsDisable = stateCommand(false);

/** `HTTP 500 in 12 ms (why)`, or without an answer the reason once: `Could not connect to …: connection refused (after 3 ms)`. */
export function testOutcome(result: { status_code: number | null; ok: boolean; error: string | null; duration_ms: number }): string {
  const ms = Math.round(result.duration_ms);
  if (result.status_code === null) return `${result.error ?? 'no answer'} (after ${ms} ms)`;
  const why = !result.ok && result.error && result.error !== `HTTP ${result.status_code}` ? ` (${result.error})` : '';
  return `HTTP ${result.status_code} in ${ms} ms${why}`;
}

export const subscriptionsTest: Command = {
  name: 'subscriptions test',
  summary: 'send one signed test delivery now and show what the endpoint answered (exit 1 if it failed)',
  args: subscriptionArgument,
  options: {
    type: { type: 'string', value: 'type', description: 'the event type to send' },
    data: { type: 'string', value: 'json', description: 'the event data' },
  },
  examples: ['hookfleet subscriptions test sub_123', 'hookfleet subscriptions test sub_123 --type invoice.paid --data \'{"total": 42}\''],
  async run({ io, json, client }, input) {
    const type = input.string('type');
    const data = input.string('data');
    const result = await client().subscriptions.test(input.argument(0, 'subscription'), {
      ...(type !== undefined ? { type } : {}),
      ...(data !== undefined ? { data: parseJsonFlag('data', data) } : {}),
    });
    if (json) printJson(io.stdout, result);
    else {
      io.stdout.write(`${result.ok ? 'ok' : 'failed'}: ${testOutcome(result)}\n`);
    }
    return result.ok ? ExitCode.ok : ExitCode.failed;
  },
};
