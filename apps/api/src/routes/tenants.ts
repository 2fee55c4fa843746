import { tenantCreateSchema } from '@hookfleet/core';
import { route, type NativeRoute } from './route-table.js';
import { tenantCreatedSchema } from './answer-schemas.js';

export const tenantRoutes: NativeRoute[] = [
  route({
    method: 'post',
    path: '/v1/tenants',
    summary: 'Create a tenant and its API key',
    tags: ['tenants'],
    auth: ['operator'],
    body: tenantCreateSchema,
    answers: { 201: { description: 'The tenant with its API key (shown once)', schema: tenantCreatedSchema } },
    async handler({ body }, { tenants }) {
      const tenant = await tenants.create(body.name);
      return { status: 201, body: { id: tenant.id, name: tenant.name, api_key: tenant.api_key, created_at: tenant.created_at } };
    },
  }),
];
