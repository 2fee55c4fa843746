import { globalOptions, type Command, type OptionSpecs } from './command.js';

function optionLines(options: OptionSpecs): string[][] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`;
    return [flag, `${spec.description}${spec.multiple ? ' (repeatable)' : ''}`];
  });
}

function aligned(rows: string[][], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([left]) => (left ?? '').length));
  return rows.map(([left = '', right = '']) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd()).join('\n');
}

export function usageLine(command: Command): string {
  const args = (command.args ?? []).map((arg) => (arg.variadic ? `<${arg.name}…>` : `<${arg.name}>`));
  return ['hookfleet', command.name, ...args, '[options]'].join(' ');
}

/** `hookfleet <command> --help`. */
export function commandHelp(command: Command): string {
  const sections = [`${command.summary}\n\nUsage: ${usageLine(command)}`];
  if (command.args && command.args.length > 0) sections.push(`Arguments:\n${aligned(command.args.map((arg) => [`<${arg.name}>`, arg.description]))}`);
  if (Object.keys(command.options).length > 0) sections.push(`Options:\n${aligned(optionLines(command.options))}`);
  sections.push(`Global options:\n${aligned(optionLines(globalOptions))}`);
  if (command.examples && command.examples.length > 0) sections.push(`Examples:\n${command.examples.map((example) => `  ${example}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}

/** `hookfleet --help`, or the commands of one group (`hookfleet subscriptions --help`). */
export function overviewHelp(commands: readonly Command[], group?: string): string {
  const shown = group ? commands.filter((command) => command.name.startsWith(`${group} `)) : commands;
  const title = group ? `hookfleet ${group}: one of these commands` : 'hookfleet: operate a hookfleet webhook fleet from the shell';
  return [
    title,
    '',
    `Usage: hookfleet ${group ? `${group} <command>` : '<command>'} [options]`,
    '',
    'Commands:',
    aligned(shown.map((command) => [command.name, command.summary])),
    '',
    'Global options:',
    aligned(optionLines(globalOptions)),
    '',
    `Run "hookfleet <command> --help" for a command's options. The API is HOOKFLEET_URL (or --url), the token HOOKFLEET_TOKEN (or --token).`,
    'Times: a duration before now (30m, 2h, 7d) or ISO-8601 (2025-06-01T12:00:00Z). Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 unreachable, 4 auth, 5 not found.',
    '',
  ].join('\n');
}
