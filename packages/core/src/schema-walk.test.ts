import { describe, expect, it } from '@jest/globals';
import { costlySchemaParts } from './event-type-schemas.js';
import { schemaPatterns } from './event-type-patterns.js';
import { forEachSchemaObject } from './schema-walk.js';

describe('the walk over a registered schema', () => {
  const schema = {
    type: 'object',
    properties: { code: { type: 'string', pattern: '^[A-Z]+$' }, tags: { type: 'array', items: { type: 'object' }, uniqueItems: true } },
    anyOf: [{ patternProperties: { '^x-': {} } }],
    default: { pattern: 'not a schema', uniqueItems: true },
    enum: [{ pattern: '(a)\\1' }],
  };

  it('visits every schema object with its path, and none of the data under const, enum, default or examples', () => {
    const paths: string[] = [];
    forEachSchemaObject(schema, (_node, path) => paths.push(path.join('.')));
    expect(paths.sort()).toEqual(['', 'anyOf.0', 'anyOf.0.patternProperties', 'anyOf.0.patternProperties.^x-', 'properties', 'properties.code', 'properties.tags', 'properties.tags.items']);
  });

  it('finds the patterns and the costly uniqueItems of the schema, not of its data', () => {
    expect(schemaPatterns(schema)).toEqual(
      expect.arrayContaining([
        { path: ['properties', 'code', 'pattern'], pattern: '^[A-Z]+$' },
        { path: ['anyOf', 0, 'patternProperties', '^x-'], pattern: '^x-' },
      ]),
    );
    expect(schemaPatterns(schema)).toHaveLength(2);
    expect(costlySchemaParts(schema).map((part) => part.path)).toEqual([['properties', 'tags', 'uniqueItems']]);
  });
});
