import type { PollMessage } from '@hookfleet/client';
import type { Command } from '../command.js';
import { printJson, printTable } from '../output.js';
import type { Column } from '../table.js';

const messageColumns: ReadonlyArray<Column<PollMessage>> = [
  { header: 'ID', value: (message) => message.id },
  { header: 'EVENT', value: (message) => message.event_id, maxWidth: 40 },
  { header: 'TYPE', value: (message) => message.type },
  { header: 'TIMESTAMP', value: (message) => message.timestamp },
];

export const messages: Command = {
  name: 'messages',
  summary: "fetch a poll subscription's signed messages after a cursor; the cursor acknowledges what it passed",
  args: [{ name: 'subscription', description: 'the poll subscription id' }],
  options: {
    after: { type: 'string', value: 'cursor', description: 'the `next` printed by an earlier fetch: acknowledges everything up to it' },
    limit: { type: 'string', value: 'n', description: 'at most n messages (1–500, default 100)' },
    wait: { type: 'string', value: 'seconds', description: 'wait up to this long (0–30) when there is none (long-poll)' },
    follow: { type: 'boolean', short: 'f', description: 'keep long-polling and print each message as a JSON line, acknowledging as it goes, until Ctrl-C' },
  },
  examples: ['hookfleet messages sub_123 --wait 20', 'hookfleet messages sub_123 --after <next> --json', 'hookfleet messages sub_123 --follow'],
  async run({ io, json, client }, input) {
    const subscription = input.argument(0, 'subscription');
    const after = input.string('after');
    const limit = input.integer('limit', { min: 1, max: 500 });
    const wait = input.integer('wait', { min: 0, max: 30 });
    if (input.boolean('follow')) {
      const poller = client().subscriptions.poller(subscription, { ...(after !== undefined ? { after } : {}), ...(limit !== undefined ? { limit } : {}), ...(wait !== undefined ? { waitSeconds: wait } : {}) });
      for await (const message of poller) io.stdout.write(`${JSON.stringify(message)}\n`);
      return;
    }
    const page = await client().subscriptions.messages(subscription, { ...(after !== undefined ? { after } : {}), ...(limit !== undefined ? { limit } : {}), ...(wait !== undefined ? { wait } : {}) });
    if (json) return printJson(io.stdout, page);
    printTable(io.stdout, messageColumns, page.data, 'no messages after this cursor');
    io.stderr.write(`next: ${page.next}\n(hand it back with --after to acknowledge these and read on)\n`);
  },
};
