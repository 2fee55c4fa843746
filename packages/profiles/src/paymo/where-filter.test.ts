import { describe, expect, it } from '@jest/globals';
import { matchesWhere, parseWhere, whereAccepts, WhereSyntaxError } from './where-filter.js';
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
