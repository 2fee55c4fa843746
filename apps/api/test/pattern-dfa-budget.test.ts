import { describe, expect, it } from '@jest/globals';
import { DfaCacheBudget, MAX_DFA_CACHE_BYTES } from '../src/dfa-cache-budget.js';
import { linearRegExpEngine, type LinearRegExp } from '../src/linear-regexp.js';

/** What re2js's lazy DFA of a pattern holds now, by its own count (`maxMem - memBudget`); 0 without one. */
function dfaBytes(regExp: LinearRegExp): number {
  const engine = (regExp as unknown as { compiled: { re2(): { lazyDFA: { maxMem: number; memBudget: number } | null } } }).compiled.re2();
  return engine.lazyDFA ? engine.lazyDFA.maxMem - engine.lazyDFA.memBudget : 0;
}

/** `a`s and `b`s, the same every run. */
function letters(length: number): string {
  let seed = 7;
  let text = '';
  for (let index = 0; index < length; index += 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    text += seed & 0x10000 ? 'a' : 'b';
  }
  return text;
}

/**
 * re2js keeps a lazy DFA for each compiled pattern, of up to 8 MiB, for the pattern's life: `[ab]*a[ab]{20}$` once
 * on 100 KB kept 5.5 MB. Every registered type's patterns stay compiled in every API process (event-schemas.ts), so
 * the DFAs of all of them share one bound (dfa-cache-budget.ts).
 */
describe('the lazy DFAs of all patterns share one bound', () => {
  const MIB = 1024 * 1024;
  // Unanchored, and only a match ending at the end counts: the DFA tracks the last k + 1 letters, 2^(k+1) states.
  const hostile = (k: number) => `[ab]*a[ab]{${k}}$`;
  const text = `${letters(150_000)}${'b'.repeat(40)}`;

  it('holds no more than its bound after many patterns each built megabytes, dropping the least recently used', () => {
    const bound = 12 * MIB;
    const budget = new DfaCacheBudget(bound);
    const engine = linearRegExpEngine(budget);
    const patterns = Array.from({ length: 6 }, (_, index) => engine(hostile(16 + index), 'u'));
    for (const pattern of patterns) expect(pattern.test(text)).toBe(false);
    const held = patterns.map(dfaBytes);
    expect(held.reduce((sum, bytes) => sum + bytes, 0)).toBeLessThanOrEqual(bound);
    expect(budget.heldBytes).toBeLessThanOrEqual(bound);
    // The first ones went; the one used last kept what it built.
    expect(held[0]).toBe(0);
    expect(held.at(-1)).toBeGreaterThan(0);
  });

  it('builds each one alone past that bound, so the bound is what held them', () => {
    const unbounded = linearRegExpEngine(new DfaCacheBudget(Number.POSITIVE_INFINITY));
    const pattern = unbounded(hostile(16), 'u');
    pattern.test(text);
    // Six of them would have held some 30 MB.
    expect(dfaBytes(pattern)).toBeGreaterThan(4 * MIB);
  });

  it('answers the same after its DFA was dropped', () => {
    const engine = linearRegExpEngine(new DfaCacheBudget(64 * 1024));
    const patterns = [hostile(12), hostile(13), '^[ab]+$', 'ba{3}b'].map((source) => ({ source, compiled: engine(source, 'u') }));
    const samples = [text.slice(0, 2000), `${text.slice(0, 2000)}a${'b'.repeat(12)}`, `${text.slice(0, 2000)}a${'b'.repeat(13)}`, 'baaab', 'abc'];
    for (let round = 0; round < 2; round += 1) {
      for (const { source, compiled } of patterns) {
        for (const sample of samples) expect([source, sample.slice(-20), compiled.test(sample)]).toEqual([source, sample.slice(-20), new RegExp(source, 'u').test(sample)]);
      }
    }
  });

  it(`is ${MAX_DFA_CACHE_BYTES / MIB} MiB for the process: room for four patterns' whole 8 MiB`, () => {
    expect(new DfaCacheBudget().maxBytes).toBe(MAX_DFA_CACHE_BYTES);
    expect(MAX_DFA_CACHE_BYTES).toBe(32 * MIB);
  });
});
