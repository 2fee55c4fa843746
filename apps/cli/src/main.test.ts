import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { globalOptions } from './command.js';
import { commands } from './commands/registry.js';
import { ExitCode } from './errors.js';
import type { CliIo } from './io.js';
import { main } from './main.js';

function testIo(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdin: new PassThrough(),
    env,
    untilStopped: () => Promise.resolve(),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('hookfleet dispatch', () => {
  it.each(commands.map((command) => command.name))('"%s --help" prints its usage and exits 0 without calling the API', async (name) => {
    const { io, stdout, stderr } = testIo({ HOOKFLEET_URL: 'http://127.0.0.1:1' });
    expect(await main([...name.split(' '), '--help'], io)).toBe(ExitCode.ok);
    expect(stdout()).toContain(`Usage: hookfleet ${name}`);
    expect(stdout()).toContain('--json');
    expect(stderr()).toBe('');
  });

  it('gives no command an option that shadows a global one (--url is the API)', () => {
    for (const command of commands) expect(Object.keys(command.options).filter((name) => name in globalOptions)).toEqual([]);
  });

  it('lists every command for --help, for "help", and for a group alone', async () => {
    for (const argv of [['--help'], ['help'], ['subscriptions']]) {
      const { io, stdout } = testIo();
      expect(await main(argv, io)).toBe(ExitCode.ok);
      expect(stdout()).toContain('subscriptions list');
    }
    const { io, stdout } = testIo();
    await main(['deliveries', '--help'], io);
    expect(stdout()).toContain('deliveries list');
    expect(stdout()).not.toContain('subscriptions list');
  });

  it('"help <command>" is "<command> --help"', async () => {
    const { io, stdout } = testIo();
    expect(await main(['help', 'recover'], io)).toBe(ExitCode.ok);
    expect(stdout()).toContain('Usage: hookfleet recover <subscription> [options]');
  });

  it('says in one line that a command is unknown, with exit code 2', async () => {
    const { io, stderr } = testIo();
    expect(await main(['subscriptions', 'lst'], io)).toBe(ExitCode.usage);
    expect(stderr()).toBe('error: unknown command "subscriptions lst"; run "hookfleet subscriptions --help" for the list\n');
  });

  it('refuses an unknown command with nothing after it (exit 2), instead of printing the overview and exiting 0', async () => {
    for (const word of ['subscription', 'deliveries-list']) {
      const { io, stdout, stderr } = testIo();
      expect(await main([word], io)).toBe(ExitCode.usage);
      expect(stdout()).toBe('');
      expect(stderr()).toBe(`error: unknown command "${word}"; run "hookfleet --help" for the list\n`);
    }
  });

  it('takes the global options before the command too, as --help shows them apart', async () => {
    for (const argv of [
      ['--url', 'http://127.0.0.1:1', '--json', 'subscriptions', 'show', 'sub_1'],
      ['--url=http://127.0.0.1:1', 'subscriptions', 'show', 'sub_1', '--json'],
    ]) {
      const { io, stderr } = testIo({ HOOKFLEET_URL: 'http://127.0.0.1:2' });
      // Unreachable at the address of --url (port 1), not "unknown command".
      expect(await main(argv, io)).toBe(ExitCode.unreachable);
      expect(stderr()).toContain('cannot reach hookfleet at http://127.0.0.1:1 ');
    }
  });

  it('points a usage error at the command help', async () => {
    const { io, stderr } = testIo();
    expect(await main(['recover', 'sub_1', '--since', 'yesterday'], io)).toBe(ExitCode.usage);
    expect(stderr()).toMatch(/^error: --since: "yesterday" is not a time: .* \(see "hookfleet recover --help"\)\n$/);
  });

  it('refuses a malformed API URL before any request', async () => {
    const { io, stderr } = testIo({ HOOKFLEET_URL: 'localhost:3000' });
    expect(await main(['event-types'], io)).toBe(ExitCode.usage);
    expect(stderr()).toContain('the API URL must be');
  });

  it('refuses an invalid event before sending it, naming the fields', async () => {
    const { io, stderr } = testIo({ HOOKFLEET_URL: 'http://127.0.0.1:1' });
    expect(await main(['publish', '--type', 'invoice.paid'], io)).toBe(ExitCode.usage);
    expect(stderr()).toMatch(/^error: invalid event: tenant: required: a string; data: required: any JSON value\n$/);
  });
});
