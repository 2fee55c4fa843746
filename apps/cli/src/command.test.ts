import { describe, expect, it } from '@jest/globals';
import { parseCommandLine, type Command } from './command.js';
import { UsageError } from './errors.js';

const command: Command = {
  name: 'replay',
  summary: 'test command',
  args: [{ name: 'subscription', description: 'id' }],
  options: {
    since: { type: 'string', description: 'start' },
    types: { type: 'string', multiple: true, description: 'types' },
    limit: { type: 'string', description: 'n' },
  },
  run: async () => undefined,
};

describe('parseCommandLine', () => {
  it('reads positionals, global and command options, and repeatable comma lists', () => {
    const input = parseCommandLine(command, ['sub_1', '--since', '2h', '--types', 'a,b', '--types=c', '--json', '--url', 'http://x']);
    expect(input.argument(0, 'subscription')).toBe('sub_1');
    expect(input.string('since')).toBe('2h');
    expect(input.list('types')).toEqual(['a', 'b', 'c']);
    expect(input.boolean('json')).toBe(true);
    expect(input.string('url')).toBe('http://x');
  });

  it('turns an unknown option into a short usage error', () => {
    expect(() => parseCommandLine(command, ['--bogus'])).toThrow(new UsageError("Unknown option '--bogus'"));
  });

  it('refuses a stray extra argument', () => {
    expect(() => parseCommandLine(command, ['sub_1', 'sub_2'])).toThrow('unexpected argument "sub_2"');
  });

  it('names a missing argument and a bad number', () => {
    const input = parseCommandLine(command, ['--limit', 'ten']);
    expect(() => input.argument(0, 'subscription')).toThrow('missing <subscription>');
    expect(() => input.integer('limit', { min: 1, max: 500 })).toThrow('--limit must be a whole number from 1 to 500, got "ten"');
  });

  it('refuses a list flag given with nothing in it, rather than reading it as left out', () => {
    for (const value of [',,', '', ' , ']) {
      expect(() => parseCommandLine(command, ['--types', value]).list('types')).toThrow(new UsageError('--types is empty: give one or more, comma-separated'));
    }
    expect(parseCommandLine(command, []).list('types')).toEqual([]);
    expect(parseCommandLine(command, ['--types', 'a,,b']).list('types')).toEqual(['a', 'b']);
  });

  it('lets --help through whatever else is missing', () => {
    expect(parseCommandLine(command, ['a', 'b', 'c', '-h']).boolean('help')).toBe(true);
  });
});
