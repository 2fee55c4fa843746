import { createRequire } from 'node:module';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

// Jest hands ES modules a snapshot of a built-in's exports when it links them, so the code under test must be
// imported dynamically (`await import(...)`) after this module has run, and nothing imported statically before
// may import node:dns. Names not scripted here resolve as usual.
const require = createRequire(import.meta.url);
const dns = require('node:dns') as typeof import('node:dns');
const originalLookup = dns.lookup;
const scripted = new Map<string, string[]>();

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function fakeLookup(hostname: string, optionsOrCallback: unknown, maybeCallback?: Callback): void {
  const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as Callback;
  const options = (typeof optionsOrCallback === 'object' && optionsOrCallback !== null ? optionsOrCallback : {}) as { all?: boolean };
  const answers = scripted.get(hostname.toLowerCase());
  if (!answers) {
    (originalLookup as (...args: unknown[]) => void)(hostname, optionsOrCallback, maybeCallback);
    return;
  }
  // Each lookup takes the next scripted answer; the last one repeats.
  const address = (answers.length > 1 ? answers.shift() : answers[0]) as string;
  const family = isIP(address);
  process.nextTick(() => (options.all ? callback(null, [{ address, family }]) : callback(null, address, family)));
}

dns.lookup = fakeLookup as typeof dns.lookup;

/** From now on `hostname` resolves to these addresses, one lookup after another (a DNS rebinding when they differ). */
export function scriptDns(hostname: string, addresses: string[]): void {
  scripted.set(hostname.toLowerCase(), [...addresses]);
}

/** Puts the real dns.lookup back (afterAll). */
export function restoreDns(): void {
  scripted.clear();
  dns.lookup = originalLookup;
}
