import { re2SourceOf, UnsupportedPattern } from '@hookfleet/core';
import type { CodeOptions } from 'ajv';
import { RE2JS } from 're2js';
import { DfaCacheBudget } from './dfa-cache-budget.js';

/** ajv's `code.regExp` option: a function from a pattern to something with `test`. */
type RegExpEngine = NonNullable<CodeOptions['regExp']>;

/**
 * The most RE2 instructions one pattern may compile to. RE2 runs in time linear in the string, but when a pattern's
 * automaton outgrows its cache each character is weighed against every instruction (`[ab]*a[ab]{400}$`, 406
 * instructions: about 4 s on a 1 MB string, some 10 ns an instruction a character). `^[a-z]{1,255}$` is 513,
 * `^\p{L}{1,100}$` 203, `^.{0,1000}$` 2,004 (say that with maxLength).
 */
export const MAX_PATTERN_INSTRUCTIONS = 1000;

/** The lazy DFAs of every pattern this process compiles, bounded together (dfa-cache-budget.ts). */
const processDfaBudget = new DfaCacheBudget();

/** A compiled pattern as ajv uses one: `test` only. */
export class LinearRegExp implements ReturnType<RegExpEngine> {
  private readonly budgetId: number;

  constructor(
    private readonly source: string,
    private readonly compiled: RE2JS,
    private readonly dfaBudget: DfaCacheBudget,
  ) {
    this.budgetId = dfaBudget.track(compiled.re2());
  }

  test(text: string): boolean {
    const matched = this.compiled.test(text);
    this.dfaBudget.afterMatch(this.budgetId, this.compiled.re2());
    return matched;
  }

  /** RE2 instructions of the compiled program: what the pattern holds in memory grows with it (event-schemas.ts). */
  get instructions(): number {
    return this.compiled.programSize();
  }

  /** ajv keys the patterns it keeps by this text: without it, every pattern of a schema would share the first one's. */
  toString(): string {
    return `/${this.source}/u`;
  }
}

/**
 * A JSON Schema pattern (ECMAScript, `u`) compiled by RE2 (re2js, a JavaScript port of Google's RE2): the same
 * strings match, in time linear in the string. Throws UnsupportedPattern, with why, for one RE2 cannot run.
 */
function compileLinear(pattern: string, dfaBudget: DfaCacheBudget): LinearRegExp {
  const source = re2SourceOf(pattern);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source);
  } catch (error) {
    throw new UnsupportedPattern(`the regular expression ${pattern} cannot run on RE2 (${error instanceof Error ? error.message : String(error)})`);
  }
  const instructions = compiled.programSize();
  if (instructions > MAX_PATTERN_INSTRUCTIONS) {
    throw new UnsupportedPattern(
      `the regular expression ${pattern} compiles to ${instructions} RE2 instructions, more than ${MAX_PATTERN_INSTRUCTIONS}: each character of a value may be weighed against all of them; repeat less ({1,100} copies its atom 100 times) or bound the length with maxLength`,
    );
  }
  return new LinearRegExp(pattern, compiled, dfaBudget);
}

/** An ajv `code.regExp` whose patterns say how many instructions they compiled to. */
export type LinearRegExpEngine = RegExpEngine & ((pattern: string, flags?: string) => LinearRegExp);

/**
 * An ajv `code.regExp` for one Ajv instance: every `pattern` and `patternProperties` key it compiles goes through
 * compileLinear, once per distinct pattern (ajv asks again for each place a pattern appears, and keeps one by its
 * text). Their DFAs count against `dfaBudget`, by default the one of the whole process.
 */
export function linearRegExpEngine(dfaBudget: DfaCacheBudget = processDfaBudget): LinearRegExpEngine {
  const compiled = new Map<string, LinearRegExp>();
  const engine = (pattern: string): LinearRegExp => {
    let regExp = compiled.get(pattern);
    if (!regExp) compiled.set(pattern, (regExp = compileLinear(pattern, dfaBudget)));
    return regExp;
  };
  // Names the engine in code ajv generates for standalone modules, which hookfleet does not make.
  return Object.assign(engine, { code: 'linearRegExp' });
}

/** A pattern compiled on its own, outside any schema (its DFA counts against the process's budget). */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => compileLinear(pattern, processDfaBudget), { code: 'linearRegExp' });

/** Why RE2 cannot run a pattern (as compileLinear would throw it), or null when it can. */
export function unsupportedPatternReason(pattern: string): string | null {
  try {
    compileLinear(pattern, processDfaBudget);
    return null;
  } catch (error) {
    if (error instanceof UnsupportedPattern) return error.message;
    throw error;
  }
}
