import { globalOptions, parseCommandLine, type Command } from './command.js';
import { commands } from './commands/registry.js';
import { createCommandContext, tokenOf } from './context.js';
import { describeFailure, ExitCode, UsageError, type FailureContext } from './errors.js';
import { givenFieldFlags } from './field-flags.js';
import { commandHelp, overviewHelp } from './help.js';
import { processIo, type CliIo } from './io.js';

const groups = new Set(commands.filter((command) => command.name.includes(' ')).map((command) => command.name.split(' ')[0] as string));

interface Selection {
  command: Command | undefined;
  /** The group named when no command of it was (`hookfleet subscriptions`). */
  group: string | undefined;
  rest: string[];
}

function select(argv: readonly string[]): Selection {
  const [first, second, ...after] = argv;
  if (first === undefined || first.startsWith('-')) return { command: undefined, group: undefined, rest: [...argv] };
  if (groups.has(first)) {
    const command = commands.find((candidate) => candidate.name === `${first} ${second}`);
    if (command) return { command, group: first, rest: after };
    // A group may also be a command of its own (`hookfleet event-types` lists, `event-types create` registers).
    const bare = commands.find((candidate) => candidate.name === first);
    return bare ? { command: bare, group: undefined, rest: argv.slice(1) } : { command: undefined, group: first, rest: second === undefined ? [] : [second, ...after] };
  }
  return { command: commands.find((candidate) => candidate.name === first), group: undefined, rest: argv.slice(1) };
}

/**
 * Global options written before the command (`hookfleet --url http://… recover sub_1 …`, as kubectl and git take
 * them) moved after it, where the command's parser reads them: otherwise the first option was taken for the
 * command's name ("unknown command "--url"").
 */
function globalOptionsAfterCommand(argv: readonly string[]): readonly string[] {
  let index = 0;
  for (;;) {
    const name = /^--([^=]+)/.exec(argv[index] ?? '')?.[1];
    const spec = name === undefined || name === 'help' || !Object.hasOwn(globalOptions, name) ? undefined : globalOptions[name];
    if (!spec) break;
    index += spec.type === 'string' && !(argv[index] as string).includes('=') ? 2 : 1;
  }
  return index === 0 || index >= argv.length ? argv : [...argv.slice(index), ...argv.slice(0, index)];
}

/** Runs one command line; resolves to the exit code. Errors become one `error: …` line on stderr. */
export async function main(commandLine: readonly string[], io: CliIo = processIo()): Promise<number> {
  const argv = globalOptionsAfterCommand(commandLine);
  const words = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
  const { command, group, rest } = select(words);
  if (!command) {
    // A known group alone (`hookfleet subscriptions`) or --help lists the commands; an unknown word never does quietly:
    // `hookfleet subscription` must not exit 0 in a script as if it had done something.
    const unknownWord = group === undefined && words[0] !== undefined && !words[0].startsWith('-');
    const wantsHelp = rest.includes('--help') || rest.includes('-h') || (rest.length === 0 && !unknownWord);
    if (wantsHelp) {
      io.stdout.write(overviewHelp(commands, group));
      return words.length === 0 ? ExitCode.usage : ExitCode.ok;
    }
    const unknown = group ? `${group} ${rest[0]}` : words[0];
    io.stderr.write(`error: unknown command "${unknown}"; run "hookfleet ${group ?? ''}${group ? ' ' : ''}--help" for the list\n`);
    return ExitCode.usage;
  }
  const context: FailureContext = {};
  try {
    const input = parseCommandLine(command, rest);
    context.tokenGiven = tokenOf(input, io.env) !== undefined;
    context.fieldFlags = givenFieldFlags(command, input);
    if (input.boolean('help')) {
      io.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    return (await command.run(createCommandContext(io, input), input)) ?? ExitCode.ok;
  } catch (error) {
    const failure = describeFailure(error, context);
    const hint = error instanceof UsageError ? ` (see "hookfleet ${command.name} --help")` : '';
    io.stderr.write(`error: ${failure.message}${hint}\n`);
    return failure.exitCode;
  }
}
