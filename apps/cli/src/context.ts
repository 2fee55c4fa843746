import { createClient, type HookfleetClient } from '@hookfleet/client';
import type { CommandContext, ParsedInput } from './command.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface Connection {
  url: string;
  token: string | undefined;
}

/** The bearer token: --token wins over HOOKFLEET_TOKEN; none when neither is set (blank counts as unset, as in the SDK). */
export function tokenOf(input: ParsedInput, env: CliIo['env']): string | undefined {
  return (input.string('token') || env.HOOKFLEET_TOKEN)?.trim() || undefined;
}

/** --url and --token win over HOOKFLEET_URL and HOOKFLEET_TOKEN. */
export function resolveConnection(input: ParsedInput, env: CliIo['env']): Connection {
  const url = input.string('url') || env.HOOKFLEET_URL || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`the API URL must be an absolute http(s) URL, got "${url}" (HOOKFLEET_URL or --url)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`the API URL must be http(s), got "${url}"`);
  return { url, token: tokenOf(input, env) };
}

export function createCommandContext(io: CliIo, input: ParsedInput): CommandContext {
  let client: HookfleetClient | undefined;
  return {
    io,
    json: input.boolean('json'),
    client() {
      if (!client) {
        const { url, token } = resolveConnection(input, io.env);
        // A person is waiting: a down API should say so in about a second, not after the SDK's longer backoff.
        // An empty token (rather than undefined) keeps the SDK from reading process.env behind our back.
        client = createClient({ url, token: token ?? '', retry: { limit: 2, baseDelayMs: 250, maxDelayMs: 10_000 }, timeoutMs: 30_000 });
      }
      return client;
    },
  };
}
