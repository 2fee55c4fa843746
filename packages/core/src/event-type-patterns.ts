/**
 * A second shape of regular expression that backtracks exponentially, beside the nested quantifier that
 * hasNestedQuantifier (event-type-schemas.ts) finds: a repeated group whose alternatives can begin with the same
 * character (`^(a|a)*$`, `^(\w|\d)+$`, `(ab|a)+`). Each character can be taken by either branch, so a string that
 * fails at its end is tried every way: 26 characters held the API process for 4 s on each event of the type.
 */

/** Whether the quantifier at the start of `rest` repeats its group more than once: `*`, `+`, `{1,}`, `{2}`; not `?`, `{0,1}`. */
function repeats(rest: string): boolean {
  if (rest.startsWith('*') || rest.startsWith('+')) return true;
  const bounds = /^\{(\d+)(,(\d*))?\}/.exec(rest);
  if (!bounds) return false;
  const most = bounds[2] === undefined ? Number(bounds[1]) : bounds[3] === '' ? Infinity : Number(bounds[3]);
  return most > 1;
}
/** A quantifier after which its atom may be absent, so the atom after it may begin the branch instead. */
const OPTIONAL = /^(?:[*?]|\{0[,}])/;

/** Characters tried against the first atoms of two branches: ASCII, Latin, and one from each of several scripts. */
const BASE_SAMPLES: string[] = [
  ...Array.from({ length: 0x250 }, (_, codePoint) => String.fromCodePoint(codePoint)),
  ...['\u017f', '\u0391', '\u03c9', '\u0416', '\u05d0', '\u0663', '\u0e01', '\u1e9e', '\u2028', '\u202f', '\u212a', '\u3000', '\u4e2d', '\uac00', '\ufeff', '\u{1f600}', '\u{1d400}'],
];

/** Where the atom that starts at `index` ends (exclusive): an escape, a class, a group, or one code point. */
function atomEnd(source: string, index: number): number {
  const char = source[index];
  if (char === '\\') {
    const next = source[index + 1] ?? '';
    if ((next === 'u' || next === 'p' || next === 'P' || next === 'k') && /^[{<]/.test(source[index + 2] ?? '')) {
      const close = source.indexOf(next === 'k' ? '>' : '}', index);
      return close < 0 ? source.length : close + 1;
    }
    if (next === 'u') return index + 6;
    if (next === 'x') return index + 4;
    if (next === 'c') return index + 3;
    return index + 2;
  }
  if (char === '[') {
    let end = index + 1;
    while (end < source.length && source[end] !== ']') end += source[end] === '\\' ? 2 : 1;
    return end + 1;
  }
  if (char === '(') {
    let depth = 0;
    for (let end = index; end < source.length; ) {
      const inner = source[end];
      if (inner === '\\' || inner === '[') {
        end = atomEnd(source, end);
        continue;
      }
      if (inner === '(') depth += 1;
      else if (inner === ')' && --depth === 0) return end + 1;
      end += 1;
    }
    return source.length;
  }
  return index + ((source.codePointAt(index) ?? 0) > 0xffff ? 2 : 1);
}

/** The branches of a group's body, split at its own `|`s (not at those inside classes or inner groups). */
function branches(body: string): string[] {
  const found: string[] = [];
  let start = 0;
  for (let index = 0; index < body.length; ) {
    if (body[index] === '|') {
      found.push(body.slice(start, index));
      start = index + 1;
      index += 1;
    } else {
      index = atomEnd(body, index);
    }
  }
  found.push(body.slice(start));
  return found;
}

/**
 * The atom a branch must begin with, as a RegExp that matches one character; null when that cannot be told (an empty
 * branch, a group, an anchor, a back-reference, an atom that may be skipped), which counts as overlapping anything.
 */
function firstAtom(branch: string): { regExp: RegExp; source: string } | null {
  if (branch === '' || /^[()^$|]/.test(branch) || /^\\(?:[1-9bBk])/.test(branch)) return null;
  const end = atomEnd(branch, 0);
  if (OPTIONAL.test(branch.slice(end))) return null;
  const source = branch.slice(0, end);
  try {
    return { regExp: new RegExp(`^(?:${source})$`, 'u'), source };
  } catch {
    return null;
  }
}

/** The characters an atom names outright (`a`, `\\u4e01`, a range's ends), so overlaps outside the base samples are seen. */
function namedCharacters(source: string): string[] {
  const decoded = source.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g, (match, braced?: string, four?: string, two?: string) => {
    const codePoint = parseInt(braced ?? four ?? two ?? '', 16);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
  });
  return [...decoded];
}

/** The one character an atom stands for (`a`, `\\.`, `\\u4e01`, `\\x41`), or null for a class, `.` or a class escape. */
function literalOf(source: string): string | null {
  if (source.length > 0 && [...source].length === 1 && source !== '.' && source !== '\\') return source;
  if (/^\\[^\w]$/u.test(source)) return source.slice(1);
  if (/^\\(?:u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2})$/.test(source)) {
    const named = namedCharacters(source);
    return named.length === 1 ? (named[0] as string) : null;
  }
  return null;
}

/**
 * Regular-expression tests one pattern may cost at registration; past them its repeated groups count as overlapping.
 * Literal first characters are compared as a set, so only branches that begin with a class spend them.
 */
const TEST_BUDGET = 1_000_000;

function branchesOverlap(body: string, budget: { left: number }): boolean {
  const parts = branches(body);
  if (parts.length < 2) return false;
  const atoms = parts.map(firstAtom);
  if (atoms.some((atom) => atom === null)) return true;
  const literals = new Set<string>();
  const classes: RegExp[] = [];
  for (const atom of atoms as Array<{ regExp: RegExp; source: string }>) {
    const literal = literalOf(atom.source);
    if (literal === null) classes.push(atom.regExp);
    else if (literals.has(literal)) return true;
    else literals.add(literal);
  }
  if (classes.length === 0) return false;
  const samples = new Set([...BASE_SAMPLES, ...literals, ...atoms.flatMap((atom) => namedCharacters((atom as { source: string }).source))]);
  budget.left -= samples.size * classes.length;
  if (budget.left < 0) return true;
  for (const sample of samples) {
    let takers = literals.has(sample) ? 1 : 0;
    for (const regExp of classes) if (regExp.test(sample) && ++takers > 1) return true;
  }
  return false;
}

/** True when the pattern repeats a group (`*`, `+`, `{n,}`) whose branches can begin with the same character. */
export function hasRepeatedOverlappingBranches(pattern: string): boolean {
  const openedAt: number[] = [];
  const budget = { left: TEST_BUDGET };
  for (let index = 0; index < pattern.length; ) {
    const char = pattern[index];
    if (char === '(') {
      openedAt.push(index + 1);
      index += 1;
    } else if (char === ')') {
      const start = openedAt.pop() ?? 0;
      // Past a `(?:` or `(?<name>` opening; a lookaround is not repeated in practice and is left alone.
      const body = pattern.slice(start, index).replace(/^\?(?::|<[^=!>][^>]*>)/, '');
      index += 1;
      if (!body.startsWith('?') && repeats(pattern.slice(index, index + 24)) && branchesOverlap(body, budget)) return true;
    } else {
      index = char === '\\' || char === '[' ? atomEnd(pattern, index) : index + 1;
    }
  }
  return false;
}
