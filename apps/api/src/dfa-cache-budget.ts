import type { RE2JS } from 're2js';

/** A compiled pattern's engine, where re2js keeps the pattern's lazy DFA (`lazyDFA`: null until a match builds it). */
type Re2Engine = ReturnType<RE2JS['re2']>;

/**
 * The most the lazy DFAs of all of a process's patterns may hold together. re2js gives each compiled pattern its own
 * DFA cache of up to 8 MiB (its DFA's `maxMem`), kept for as long as the pattern lives: measured, one
 * `[ab]*a[ab]{20}$` tested once on 100 KB of `a`s and `b`s keeps 5.5 MB, on 1 MB 8.2 MB. A catalogue holds up to
 * 1,000 types with many patterns each (event-schemas.ts), so without a bound for all of them together the caches
 * could keep gigabytes. 32 MiB leaves four patterns their whole 8 MiB at once.
 */
export const MAX_DFA_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * What a DFA holds besides the states and tables re2js counts against its `maxMem`: its rune class tables (a Latin-1
 * lookup of 256 Int32s and the class bounds) and its maps. Counting it lets no number of small DFAs escape the bound.
 */
const DFA_BASE_BYTES = 2048;

interface HeldDfa {
  /** Weak: a pattern whose schema was replaced is collected with its DFA; the budget must not keep it alive. */
  engine: WeakRef<Re2Engine>;
  bytes: number;
}

/**
 * A bound on the memory of all the lazy DFAs of the patterns that use it, least recently used dropped first. re2js
 * builds a dropped DFA again on the pattern's next match (the same answers; states are made again as they are needed).
 */
export class DfaCacheBudget {
  /** Oldest use first: a Map iterates in insertion order, and each use moves the pattern's entry to the end. */
  private readonly held = new Map<number, HeldDfa>();
  private total = 0;
  private lastId = 0;
  private readonly collected = new FinalizationRegistry<number>((id) => this.release(id));

  constructor(readonly maxBytes = MAX_DFA_CACHE_BYTES) {}

  /** The id a pattern's uses are counted under. */
  track(engine: Re2Engine): number {
    this.lastId += 1;
    this.collected.register(engine, this.lastId);
    return this.lastId;
  }

  /** After each match of the pattern: counts what its DFA holds now, and drops the least recently used past the bound. */
  afterMatch(id: number, engine: Re2Engine): void {
    const previous = this.release(id);
    const bytes = dfaBytes(engine);
    if (bytes === 0) return;
    this.held.set(id, { engine: previous?.engine ?? new WeakRef(engine), bytes });
    this.total += bytes;
    // The pattern just used is the newest entry: it goes last, and only when its DFA alone is over the bound.
    for (const [heldId, entry] of this.held) {
      if (this.total <= this.maxBytes) break;
      const holder = entry.engine.deref();
      if (holder) (holder as { lazyDFA: unknown }).lazyDFA = null;
      this.release(heldId);
    }
  }

  /** The bytes all the DFAs counted here hold now. */
  get heldBytes(): number {
    return this.total;
  }

  private release(id: number): HeldDfa | undefined {
    const entry = this.held.get(id);
    if (entry) {
      this.held.delete(id);
      this.total -= entry.bytes;
    }
    return entry;
  }
}

/** What the pattern's DFA holds: re2js's own count of its states and tables (`maxMem - memBudget`), and its base. */
function dfaBytes(engine: Re2Engine): number {
  const dfa = engine.lazyDFA as Re2Engine['lazyDFA'] | null;
  if (!dfa) return 0;
  return DFA_BASE_BYTES + Math.max(0, dfa.maxMem - dfa.memBudget);
}
