import type { LookupAddress } from 'node:dns';

/**
 * Name lookups through the system's resolver (dns.lookup: getaddrinfo, so /etc/hosts, search domains and nsswitch
 * work as for every other program on the host), bounded. getaddrinfo runs in libuv's thread pool (4 threads unless
 * UV_THREADPOOL_SIZE says more) and cannot be cancelled: a name server that never answers holds a thread until the
 * resolver gives up (resolv.conf's timeout and attempts), long after the attempt that asked has timed out. Unbounded,
 * four such names filled the pool, and every new connection of the worker (and its file and crypto work) waited.
 * Here at most MAX_LOOKUPS_IN_FLIGHT run at once, of which names not known to answer promptly take at most
 * NEW_NAME_LOOKUPS_IN_FLIGHT; concurrent lookups of one name share one; a lookup still queued when every connection
 * that asked for it is gone is dropped. What is bounded is the thread pool, not the answer: a delivery still waits for
 * its name and times out at its deadline like any other attempt.
 */

/** Of libuv's 4 threads: one stays free for file, crypto and compression work whatever the name servers do. */
const MAX_LOOKUPS_IN_FLIGHT = 3;
/** Names not known to answer promptly, hanging ones among them, leave a lookup to names that do. */
const NEW_NAME_LOOKUPS_IN_FLIGHT = 2;
/** A name whose last lookup answered within this is known to answer promptly. */
const PROMPT_LOOKUP_MS = 1_000;
/** Names remembered as prompt, at most (forgotten all at once beyond: they answer promptly again and are relearnt). */
const MAX_PROMPT_NAMES = 10_000;

export type LookupAllCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

/** dns.lookup with `all: true`. */
export type LookupAll = (hostname: string, options: { family?: number; hints?: number; all: true }, callback: LookupAllCallback) => void;

/** Whoever asked for a lookup: `gone` once nobody waits for its answer (a connection closed, or timed out). */
export interface LookupAsker {
  readonly gone: boolean;
}

interface NameLookup {
  readonly key: string;
  readonly hostname: string;
  readonly options: { family?: number; hints?: number; all: true };
  readonly prompt: boolean;
  readonly callbacks: LookupAllCallback[];
  /** Null for an asker that cannot go (a caller that passes none). */
  readonly askers: Array<LookupAsker | null>;
}

/** Thrown to the callbacks of a lookup dropped before it started: nobody waits for it any more. */
export class LookupAbandoned extends Error {
  override name = 'LookupAbandoned';
  readonly code = 'ECANCELLED';
}

export class NameLookups {
  private readonly byKey = new Map<string, NameLookup>();
  private readonly queued: NameLookup[] = [];
  private readonly promptNames = new Set<string>();
  private running = 0;
  private runningForNewNames = 0;

  constructor(
    private readonly lookupAll: LookupAll,
    private readonly maxInFlight = MAX_LOOKUPS_IN_FLIGHT,
    private readonly maxInFlightForNewNames = NEW_NAME_LOOKUPS_IN_FLIGHT,
  ) {}

  /** Lookups running in the resolver now (for tests and gauges). */
  get inFlight(): number {
    return this.running;
  }

  lookup(hostname: string, options: { family?: number; hints?: number }, callback: LookupAllCallback, asker: LookupAsker | null = null): void {
    const name = hostname.toLowerCase();
    const key = `${options.family ?? 0}/${options.hints ?? 0}/${name}`;
    const joined = this.byKey.get(key);
    if (joined) {
      joined.callbacks.push(callback);
      joined.askers.push(asker);
      return;
    }
    const lookup: NameLookup = {
      key,
      hostname,
      options: { family: options.family, hints: options.hints, all: true },
      prompt: this.promptNames.has(name),
      callbacks: [callback],
      askers: [asker],
    };
    this.byKey.set(key, lookup);
    if (this.hasRoomFor(lookup)) this.start(lookup);
    else this.queued.push(lookup);
  }

  private hasRoomFor(lookup: NameLookup): boolean {
    return this.running < this.maxInFlight && (lookup.prompt || this.runningForNewNames < this.maxInFlightForNewNames);
  }

  private start(lookup: NameLookup): void {
    this.running += 1;
    if (!lookup.prompt) this.runningForNewNames += 1;
    const startedAt = performance.now();
    this.lookupAll(lookup.hostname, lookup.options, (error, addresses) => {
      this.running -= 1;
      if (!lookup.prompt) this.runningForNewNames -= 1;
      this.byKey.delete(lookup.key);
      this.learn(lookup.hostname.toLowerCase(), !error && performance.now() - startedAt <= PROMPT_LOOKUP_MS);
      this.startQueued();
      for (const callback of lookup.callbacks) callback(error, addresses);
    });
  }

  private learn(name: string, prompt: boolean): void {
    if (!prompt) {
      this.promptNames.delete(name);
      return;
    }
    if (this.promptNames.size >= MAX_PROMPT_NAMES) this.promptNames.clear();
    this.promptNames.add(name);
  }

  /** Starts what now has room, in the order asked; drops the lookups nobody waits for any more. */
  private startQueued(): void {
    for (let index = 0; index < this.queued.length && this.running < this.maxInFlight; ) {
      const lookup = this.queued[index] as NameLookup;
      if (lookup.askers.every((asker) => asker?.gone)) {
        this.queued.splice(index, 1);
        this.byKey.delete(lookup.key);
        const abandoned = new LookupAbandoned(`lookup of ${lookup.hostname} dropped: no connection waits for it`);
        for (const callback of lookup.callbacks) callback(abandoned, []);
      } else if (this.hasRoomFor(lookup)) {
        this.queued.splice(index, 1);
        this.start(lookup);
      } else index += 1;
    }
  }
}
