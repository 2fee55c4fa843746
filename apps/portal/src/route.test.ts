import { describe, expect, it } from '@jest/globals';
import { matchRoute } from './route.js';

describe('the portal’s routes', () => {
  it.each([
    ['/portal', { name: 'endpoints' }],
    ['/portal/', { name: 'endpoints' }],
    ['/portal/endpoints', { name: 'endpoints' }],
    ['/portal/endpoints/new', { name: 'new' }],
    ['/portal/endpoints/sub_1', { name: 'endpoint', id: 'sub_1' }],
    ['/portal/endpoints/sub%2F1/edit', { name: 'edit', id: 'sub/1' }],
    ['/portal/elsewhere', { name: 'missing' }],
    ['/portal/endpoints/a/b/c', { name: 'missing' }],
  ])('reads %p', (path, expected) => {
    expect(matchRoute(path)).toEqual(expected);
  });
});
