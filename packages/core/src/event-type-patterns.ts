/**
 * A registered schema's regular expressions: where they are, and how RE2 reads them. JSON Schema's `pattern` and
 * `patternProperties` keys are ECMAScript regular expressions (ajv compiles them with the `u` flag); ingest runs
 * them with RE2 (re2js, apps/api/src/event-schemas.ts), whose matching time is linear in the string, so no pattern
 * can hold an API process the way a backtracking one did (`\s+$`: minutes on 1 MB). re2SourceOf writes an
 * ECMAScript pattern in RE2's syntax with the same meaning, and refuses the two things RE2 cannot do:
 * back-references and lookaround.
 */

import { forEachSchemaObject } from './schema-walk.js';

/** Why a pattern cannot be run in linear time, or is not a regular expression at all; a 400 at its path. */
export class UnsupportedPattern extends Error {
  override readonly name = 'UnsupportedPattern';
}

export interface SchemaPattern {
  /** Below the schema: `['properties', 'code', 'pattern']`, `['patternProperties', '^x-']`. */
  path: Array<string | number>;
  pattern: string;
}

/** Every `pattern` value and `patternProperties` key in a schema, with its path (data under `enum` and the like aside). */
export function schemaPatterns(schema: unknown): SchemaPattern[] {
  const found: SchemaPattern[] = [];
  forEachSchemaObject(schema, (node, path) => {
    if (typeof node.pattern === 'string') found.push({ path: [...path, 'pattern'], pattern: node.pattern });
    const properties = node.patternProperties;
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const name of Object.keys(properties)) found.push({ path: [...path, 'patternProperties', name], pattern: name });
    }
  });
  return found;
}

/** ECMAScript's `\s`: WhiteSpace and LineTerminator, as RE2 class ranges (RE2's own `\s` is ASCII only). */
const WHITE_SPACE = '\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** ECMAScript's `\S`, the complement of WHITE_SPACE, written out so it can stand inside another class. */
const NOT_WHITE_SPACE = '\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}';
/** ECMAScript's `.` without the `s` flag: any code point but a line terminator (RE2's excludes `\n` only). */
const ANY_BUT_LINE_TERMINATOR = '[^\\n\\r\\x{2028}\\x{2029}]';
const EVERY_CODE_POINT = '\\x{0}-\\x{10ffff}';

/** General_Category values by their long names and aliases, which ECMAScript takes and RE2 knows only by the short one. */
const CATEGORY_SHORT_NAMES: Record<string, string> = {
  Other: 'C', Control: 'Cc', cntrl: 'Cc', Format: 'Cf', Unassigned: 'Cn', Private_Use: 'Co', Surrogate: 'Cs',
  Letter: 'L', Cased_Letter: 'LC', Lowercase_Letter: 'Ll', Modifier_Letter: 'Lm', Other_Letter: 'Lo', Titlecase_Letter: 'Lt', Uppercase_Letter: 'Lu',
  Mark: 'M', Combining_Mark: 'M', Spacing_Mark: 'Mc', Enclosing_Mark: 'Me', Nonspacing_Mark: 'Mn',
  Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl', Other_Number: 'No',
  Punctuation: 'P', punct: 'P', Connector_Punctuation: 'Pc', Dash_Punctuation: 'Pd', Close_Punctuation: 'Pe', Final_Punctuation: 'Pf',
  Initial_Punctuation: 'Pi', Other_Punctuation: 'Po', Open_Punctuation: 'Ps',
  Symbol: 'S', Currency_Symbol: 'Sc', Modifier_Symbol: 'Sk', Math_Symbol: 'Sm', Other_Symbol: 'So',
  Separator: 'Z', Line_Separator: 'Zl', Paragraph_Separator: 'Zp', Space_Separator: 'Zs',
};

const codePoint = (value: number) => `\\x{${value.toString(16)}}`;

/** `\p{…}` in RE2's spelling: `gc=`/`General_Category=` and `sc=`/`Script=` dropped, a category's long name shortened. */
function unicodeProperty(negated: boolean, body: string, pattern: string): string {
  const [name, value] = body.includes('=') ? (body.split('=') as [string, string]) : [undefined, body];
  if (name === 'scx' || name === 'Script_Extensions') {
    throw new UnsupportedPattern(`the regular expression ${pattern} uses \\p{${body}}: Script_Extensions is not supported; use \\p{Script=…}`);
  }
  const isScript = name === 'sc' || name === 'Script';
  return `\\${negated ? 'P' : 'p'}{${isScript ? value : (CATEGORY_SHORT_NAMES[value] ?? value)}}`;
}

/** A scanner over one pattern that ECMAScript has already accepted with the `u` flag, so its grammar is the strict one. */
class Re2Writer {
  private index = 0;

  constructor(private readonly pattern: string) {}

  write(): string {
    let out = '';
    while (this.index < this.pattern.length) {
      const char = this.pattern[this.index] as string;
      if (char === '\\') out += this.escapeOutsideClass();
      else if (char === '[') out += this.characterClass();
      else if (char === '(') out += this.groupOpening();
      else if (char === '.') {
        out += ANY_BUT_LINE_TERMINATOR;
        this.index += 1;
      } else {
        // Quantifiers, anchors, `|`, `)` and literals read the same in RE2; `]`, `{`, `}` are never literal under `u`.
        const literal = String.fromCodePoint(this.pattern.codePointAt(this.index) as number);
        out += literal;
        this.index += literal.length;
      }
    }
    return out;
  }

  private refuse(what: string): never {
    throw new UnsupportedPattern(
      `the regular expression ${this.pattern} ${what}: patterns run on RE2, which matches in time linear in the string and has neither back-references nor lookaround; rewrite it without, or check the value in the receiver`,
    );
  }

  private groupOpening(): string {
    const rest = this.pattern.slice(this.index, this.index + 4);
    if (/^\(\?<?[=!]/.test(rest)) this.refuse('uses a lookahead or lookbehind ((?=, (?!, (?<=, (?<!)');
    if (rest.startsWith('(?:')) {
      this.index += 3;
      return '(?:';
    }
    if (rest.startsWith('(?<')) {
      // A name only matters to a back-reference, which is refused: the group need not capture at all.
      this.index = this.pattern.indexOf('>', this.index) + 1;
      return '(?:';
    }
    if (rest.startsWith('(?')) {
      throw new UnsupportedPattern(`the regular expression ${this.pattern} changes its flags inside a group ((?i:…)): not supported; write the cases out ([Aa])`);
    }
    this.index += 1;
    return '(';
  }

  /** An escape outside a class, in RE2's syntax. */
  private escapeOutsideClass(): string {
    const next = this.pattern[this.index + 1] as string;
    if (/[1-9]/.test(next) || next === 'k') this.refuse('refers back to a group (\\1, \\k<name>)');
    if ('dDwWbB'.includes(next)) {
      this.index += 2;
      return `\\${next}`;
    }
    if (next === 's' || next === 'S') {
      this.index += 2;
      return next === 's' ? `[${WHITE_SPACE}]` : `[${NOT_WHITE_SPACE}]`;
    }
    if (next === 'p' || next === 'P') return this.property();
    return codePoint(this.escapedCodePoint(false));
  }

  /** `\p{…}` or `\P{…}` at the scanner, in RE2's spelling. */
  private property(): string {
    const close = this.pattern.indexOf('}', this.index);
    const translated = unicodeProperty(this.pattern[this.index + 1] === 'P', this.pattern.slice(this.index + 3, close), this.pattern);
    this.index = close + 1;
    return translated;
  }

  /**
   * The one code point an escape stands for (`\n`, `\x41`, `\u{1F600}`, a surrogate pair written as two `\u`s, `\.`),
   * the scanner moved past it; `\b` is a backspace in a class and `\-` a hyphen.
   */
  private escapedCodePoint(inClass: boolean): number {
    const next = this.pattern[this.index + 1] as string;
    const hex = (length: number) => parseInt(this.pattern.slice(this.index + 2, this.index + 2 + length), 16);
    const controls: Record<string, number> = { f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b, '0': 0 };
    if (next in controls) {
      this.index += 2;
      return controls[next] as number;
    }
    if (inClass && next === 'b') {
      this.index += 2;
      return 0x08;
    }
    if (next === 'c') {
      this.index += 3;
      return (this.pattern.charCodeAt(this.index - 1) as number) % 32;
    }
    if (next === 'x') {
      const value = hex(2);
      this.index += 4;
      return value;
    }
    if (next === 'u' && this.pattern[this.index + 2] === '{') {
      const close = this.pattern.indexOf('}', this.index);
      const value = parseInt(this.pattern.slice(this.index + 3, close), 16);
      this.index = close + 1;
      return value;
    }
    if (next === 'u') {
      const high = hex(4);
      this.index += 6;
      const low = /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(this.pattern.slice(this.index, this.index + 6)) ? parseInt(this.pattern.slice(this.index + 2, this.index + 6), 16) : null;
      if (high >= 0xd800 && high <= 0xdbff && low !== null) {
        this.index += 6;
        return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
      }
      return high;
    }
    // An escaped syntax character (`\.`, `\/`, `\-` in a class): itself.
    const value = this.pattern.codePointAt(this.index + 1) as number;
    this.index += 1 + String.fromCodePoint(value).length;
    return value;
  }

  /**
   * A class, every single character written as `\x{…}` so nothing in it reads differently in RE2 (`[[:a:]]` is a
   * POSIX class there, `[]a]` a class holding `]`). ECMAScript's `[]` matches nothing and `[^]` anything.
   */
  private characterClass(): string {
    this.index += 1;
    const negated = this.pattern[this.index] === '^';
    if (negated) this.index += 1;
    let members = '';
    while (this.pattern[this.index] !== ']') {
      const atom = this.classAtom();
      // Under `u` a `-` between two single characters makes a range; anywhere else it is a hyphen.
      if (this.pattern[this.index] === '-' && this.pattern[this.index + 1] !== ']' && typeof atom === 'number') {
        this.index += 1;
        members += `${codePoint(atom)}-${codePoint(this.classAtom() as number)}`;
      } else {
        members += typeof atom === 'number' ? codePoint(atom) : atom;
      }
    }
    this.index += 1;
    if (members === '') return negated ? `[${EVERY_CODE_POINT}]` : `[^${EVERY_CODE_POINT}]`;
    return negated ? `[^${members}]` : `[${members}]`;
  }

  /** One member of a class: a code point, or a class escape already in RE2's spelling. */
  private classAtom(): number | string {
    if (this.pattern[this.index] !== '\\') {
      const value = this.pattern.codePointAt(this.index) as number;
      this.index += String.fromCodePoint(value).length;
      return value;
    }
    const next = this.pattern[this.index + 1] as string;
    if ('dDwW'.includes(next)) {
      this.index += 2;
      return `\\${next}`;
    }
    if (next === 's' || next === 'S') {
      this.index += 2;
      return next === 's' ? WHITE_SPACE : NOT_WHITE_SPACE;
    }
    if (next === 'p' || next === 'P') return this.property();
    return this.escapedCodePoint(true);
  }
}

/**
 * The pattern in RE2's syntax, matching exactly the strings ECMAScript's `new RegExp(pattern, 'u')` matches (`\s`,
 * `.`, `\uXXXX`, `[^]` and the like rewritten); throws UnsupportedPattern for a pattern that is not a valid ECMAScript
 * regular expression (JSON Schema's dialect: the schema stays usable by any other validator), a back-reference, a
 * lookaround, or inline flags.
 */
export function re2SourceOf(pattern: string): string {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    throw new UnsupportedPattern(`${pattern} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new Re2Writer(pattern).write();
}
