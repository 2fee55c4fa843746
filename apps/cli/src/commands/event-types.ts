import type { EventType } from '@hookfleet/client';
import type { Command } from '../command.js';
import { printJson, printTable } from '../output.js';
import { collectPages, MAX_PAGE_SIZE, moreHint } from '../pages.js';
import type { Column } from '../table.js';

const columns: ReadonlyArray<Column<EventType>> = [
  { header: 'PROFILE', value: (entry) => entry.profile },
  { header: 'TYPE', value: (entry) => entry.type },
  { header: 'DESCRIPTION', value: (entry) => entry.description },
];

export const eventTypes: Command = {
  name: 'event-types',
  summary: "list every profile's event types with a one-line description, a page at a time (--all: every page)",
  options: {
    profile: { type: 'string', value: 'profile', description: 'only this profile' },
    limit: { type: 'string', value: 'n', description: `at most n a page (1–${MAX_PAGE_SIZE}, default 500; fewer where schemas are large)` },
    cursor: { type: 'string', value: 'cursor', description: 'continue from a next_cursor' },
    all: { type: 'boolean', description: 'follow every cursor to the end' },
  },
  examples: ['hookfleet event-types --all', 'hookfleet event-types --profile standard --all --json'],
  async run({ io, json, client }, input) {
    const profile = input.string('profile');
    const limit = input.integer('limit', { min: 1, max: MAX_PAGE_SIZE });
    const page = await collectPages((cursor) => client().eventTypes.list({ ...(profile === undefined ? {} : { profile }), limit, cursor }), {
      all: input.boolean('all'),
      cursor: input.string('cursor'),
    });
    if (json) return printJson(io.stdout, page);
    printTable(io.stdout, columns, page.data, profile ? `profile ${profile} has no event types (is the name right?)` : 'no event types');
    io.stderr.write(moreHint(page.next_cursor));
  },
};
