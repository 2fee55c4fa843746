import { parseArgs } from 'node:util';
import type { HookfleetClient } from '@hookfleet/client';
import { UsageError } from './errors.js';
import type { FieldFlags } from './field-flags.js';
import type { CliIo } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** May be given more than once (`--secret a --secret b`). */
  multiple?: boolean;
  /** The value's name in --help (`--since <time>`). */
  value?: string;
  description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ArgumentSpec {
  name: string;
  description: string;
  /** Takes every remaining positional (`retry <delivery…>`). */
  variadic?: boolean;
}

/** What a command may use: its parsed command line, the streams, and the API client (made on first use). */
export interface CommandContext {
  io: CliIo;
  /** `--json`: machine output on stdout, nothing decorative anywhere. */
  json: boolean;
  client(): HookfleetClient;
}

export interface Command {
  /** `subscriptions list`: the words that select it. */
  name: string;
  summary: string;
  args?: readonly ArgumentSpec[];
  options: OptionSpecs;
  /** Shown under "Examples" in --help. */
  examples?: readonly string[];
  /** The API fields this command builds from its flags and arguments: an error about one names its flag. */
  fieldFlags?: FieldFlags;
  /** Resolves to an exit code when success is not the whole story (a test delivery the endpoint refused). */
  run(context: CommandContext, input: ParsedInput): Promise<number | void>;
}

/** Every command takes these. */
export const globalOptions: OptionSpecs = {
  url: { type: 'string', value: 'url', description: 'the API (default: HOOKFLEET_URL, else http://127.0.0.1:3000)' },
  token: { type: 'string', value: 'token', description: 'the bearer token: admin token or tenant key (default: HOOKFLEET_TOKEN)' },
  json: { type: 'boolean', description: 'print JSON for machines instead of tables' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

type ParsedValue = string | boolean | Array<string | boolean> | undefined;

/** A command line parsed against a command's options, with typed accessors that fail as usage errors. */
export class ParsedInput {
  constructor(
    private readonly values: Readonly<Record<string, ParsedValue>>,
    readonly positionals: readonly string[],
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    if (Array.isArray(value)) return value.length > 0 ? String(value[value.length - 1]) : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
    return value;
  }

  boolean(name: string): boolean {
    return this.values[name] === true;
  }

  /** Whether the option is on the command line at all (an empty value included). */
  given(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** Every value of a repeatable option, as given. */
  strings(name: string): string[] {
    const value = this.values[name];
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' ? [value] : [];
  }

  /**
   * Every value of a repeatable option, each split on commas: `--types a,b --types c` → a, b, c. Given with nothing
   * in it (`--events ',,'`, an unset shell variable) is a usage error: read as left out, it would change nothing, or
   * everything (`replay --types ''` replays every type).
   */
  list(name: string): string[] {
    const given = this.strings(name);
    const items = given
      .flatMap((item) => item.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (given.length > 0 && items.length === 0) throw new UsageError(`--${name} is empty: give one or more, comma-separated`);
    return items;
  }

  integer(name: string, { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {}): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || value < min || value > max)
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`);
    return value;
  }

  /** The positional at `index`, which the command's `args` name. */
  argument(index: number, name: string): string {
    const value = this.positionals[index];
    if (value === undefined || value === '') throw new UsageError(`missing <${name}>`);
    return value;
  }
}

function parseFailure(error: unknown): UsageError {
  // parseArgs' messages are long and mention `strict`; the first sentence is what the user needs.
  // (Checked by shape, not instanceof: node:util's errors may come from another realm, e.g. under jest.)
  const text = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return new UsageError((text.split('. ')[0] ?? text).replace(/\.$/, ''));
}

/** Parses `argv` (after the command's words) against the command's and the global options. */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedInput {
  // A command's own --url would silently become the API's address: the names are the global options'.
  const clash = Object.keys(command.options).find((name) => name in globalOptions);
  if (clash) throw new Error(`command ${command.name} redefines the global option --${clash}`);
  const options = { ...globalOptions, ...command.options };
  let parsed: { values: Record<string, ParsedValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [
          name,
          { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw parseFailure(error);
  }
  const input = new ParsedInput(parsed.values, parsed.positionals);
  if (input.boolean('help')) return input;
  const args = command.args ?? [];
  const variadic = args.some((arg) => arg.variadic);
  if (!variadic && parsed.positionals.length > args.length) throw new UsageError(`unexpected argument "${parsed.positionals[args.length]}"`);
  return input;
}
