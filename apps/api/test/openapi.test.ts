import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { toOpenApiPath } from '../src/openapi/index.js';
import { nativeRoutes } from '../src/routes/native-routes.js';

describe('the OpenAPI document', () => {
  let fleet: TestFleet;
  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    const response = await fleet.call('GET', '/openapi.json', undefined, null);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(response.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every declared route, its answers and its error codes', async () => {
    const document = (await fleet.call('GET', '/openapi.json', undefined, null)).body as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    for (const route of nativeRoutes) {
      const operation = document.paths[toOpenApiPath(route.path)]?.[route.method];
      expect({ route: `${route.method} ${route.path}`, documented: operation !== undefined }).toEqual({ route: `${route.method} ${route.path}`, documented: true });
      for (const status of Object.keys(route.answers)) expect(operation?.responses).toHaveProperty(status);
    }
    const patch = document.paths['/v1/subscriptions/{id}']?.patch?.responses as Record<string, { description: string; content?: unknown }>;
    expect(patch['200']).toMatchObject({ content: { 'application/json': { schema: { type: 'object' } } } });
    expect(patch['400']?.description).toContain('validation_failed');
    expect(patch['404']?.description).toContain('not_found');
  });

  it('describes request bodies from the zod schemas', async () => {
    const document = (await fleet.call('GET', '/openapi.json', undefined, null)).body;
    const schema = document.paths['/v1/events'].post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['tenant', 'profile', 'type']));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['tenant', 'profile', 'type', 'data', 'id', 'visible_to']));
  });

  it('documents ordered subscriptions on create and PATCH', async () => {
    const document = (await fleet.call('GET', '/openapi.json', undefined, null)).body;
    const create = document.paths['/v1/subscriptions'].post.requestBody.content['application/json'].schema;
    const patch = document.paths['/v1/subscriptions/{id}'].patch.requestBody.content['application/json'].schema;
    expect(create.properties.ordered).toMatchObject({ type: 'boolean' });
    expect(patch.properties.ordered).toMatchObject({ type: 'boolean' });
  });

  it('serves /docs from local assets', async () => {
    const page = await fleet.call('GET', '/docs', undefined, null);
    expect(page.status).toBe(200);
    expect(page.body).toContain('/docs/assets/swagger-ui-bundle.js');
    const bundle = await fetch(`${fleet.api.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });
});
