import { describe, expect, it } from '@jest/globals';
import { matchesWhere, parseWhere, sqlLikeMatches, whereAccepts, WhereSyntaxError } from './where-filter.js';
import { paymoTaskObject as task } from './fixtures.js';

describe('paymo where filter', () => {
  it.each([
    ['project_id=123', [{ field: 'project_id', operator: '=', value: 123 }]],
    ['complete=false', [{ field: 'complete', operator: '=', value: false }]],
    ['complete=false and billable=true', [
      { field: 'complete', operator: '=', value: false },
      { field: 'billable', operator: '=', value: true },
    ]],
    ['client_id in (123,124)', [{ field: 'client_id', operator: 'in', value: [123, 124] }]],
    ['client_id not in (1, 2)', [{ field: 'client_id', operator: 'not in', value: [1, 2] }]],
    ['name like Sample', [{ field: 'name', operator: 'like', value: 'Sample' }]],
    ['name not like Sample', [{ field: 'name', operator: 'not like', value: 'Sample' }]],
    ['name="Sample Project"', [{ field: 'name', operator: '=', value: 'Sample Project' }]],
    ['price_per_hour>50', [{ field: 'price_per_hour', operator: '>', value: 50 }]],
    ['price_per_hour >= 50.5 AND due_date<2020-01-01', [
      { field: 'price_per_hour', operator: '>=', value: 50.5 },
      { field: 'due_date', operator: '<', value: '2020-01-01' },
    ]],
    ['project.name = "AT&T and more"', [{ field: 'project.name', operator: '=', value: 'AT&T and more' }]],
    ['user_id != null', [{ field: 'user_id', operator: '!=', value: null }]],
  ])('parses %s', (text, expected) => {
    expect(parseWhere(text)).toEqual(expected);
  });

  it.each(['', 'name like New Task', 'project_id', 'project_id ~ 3', 'project_id=', 'client_id in 1,2', 'name="unterminated', 'a=1 or b=2', '=3', 'client_id in (1,'])(
    'refuses %j',
    (text) => {
      expect(() => parseWhere(text)).toThrow(WhereSyntaxError);
    },
  );

  it.each([
    ['project_id=59032', true],
    ['project_id=123', false],
    ['project_id="59032"', true],
    ['complete=false and billable=true', true],
    ['complete=true', false],
    ['tasklist_id in (1,250019)', true],
    ['tasklist_id not in (1,250019)', false],
    ['name like New', true],
    ['name like new%', true],
    ['name like %Task', true],
    ['name like "N_w Task"', true],
    ['name like Old', false],
    ['name not like Old', true],
    ['seq>0', true],
    ['seq>=1 and seq<=1', true],
    ['seq<1', false],
    ['price=null', true],
    ['price!=null', false],
    ['users=1093', true],
    ['users in (5,1093)', true],
    ['users!=1093', false],
    ['project.name like flyer', true],
    ['created_on>2016-01-01', true],
    ['missing_field=1', false],
  ])('on the seed task object, %s holds: %s', (text, expected) => {
    expect(matchesWhere(parseWhere(text), task)).toBe(expected);
  });

  it('matches nothing with a filter it cannot parse (how wildcard hooks treat a bad where)', () => {
    expect(whereAccepts('project_id ~ 1', task)).toBe(false);
    expect(whereAccepts('project_id=59032', task)).toBe(true);
  });
});

describe('sqlLikeMatches', () => {
  /** What the regular expression it replaced answered: `%` as `.*`, `_` as `.`, the whole text, any character. */
  const byRegExp = (text: string, pattern: string) =>
    new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 's').test(text);

  it.each([
    ['new task', 'new%', true],
    ['new task', '%task', true],
    ['new task', '%w t%', true],
    ['new task', 'n_w task', true],
    ['new task', 'n_w', false],
    ['new task', '%', true],
    ['', '%', true],
    ['', '_', false],
    ['a', '%%a%%', true],
    ['abcabc', '%abc', true],
    ['abcab', '%abc', false],
    ['line\nbreak', 'line_break', true],
    ['a.b*c', 'a.b*c', true],
    ['axbyc', 'a.b*c', false],
  ])('%j like %j: %s', (text, pattern, expected) => {
    expect(sqlLikeMatches(text, pattern)).toBe(expected);
    expect(byRegExp(text, pattern)).toBe(expected);
  });

  it('answers as the regular expression did on random texts and patterns', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[next(alphabet.length)]).join('');
    for (let round = 0; round < 3000; round += 1) {
      const text = pick('ab.', next(9));
      const pattern = pick('ab%_.', next(7));
      expect([text, pattern, sqlLikeMatches(text, pattern)]).toEqual([text, pattern, byRegExp(text, pattern)]);
    }
  });

  it('answers a pattern of many % on a long text at once (the regular expression backtracked for minutes)', () => {
    const text = 'a'.repeat(200_000);
    expect(sqlLikeMatches(text, '%a%a%a%a%a%a%a%a%a%a%b')).toBe(false);
    expect(sqlLikeMatches(`${text}b`, '%a%a%a%a%a%a%a%a%a%a%b')).toBe(true);
    expect(matchesWhere(parseWhere('name like "%a%a%a%a%a%a%a%a%a%a%b"'), { ...task, name: text })).toBe(false);
  });
});
