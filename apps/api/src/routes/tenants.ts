import { Router } from 'express';
import { tenantCreateSchema } from '@hookfleet/core';
import type { TenantStore } from '@hookfleet/store';
import { requireOperator } from '../auth.js';
import { parseOrThrow } from '../validate.js';

export function tenantRoutes(tenants: TenantStore): Router {
  const router = Router();
  router.post('/v1/tenants', async (request, response) => {
    requireOperator(request);
    const input = parseOrThrow(tenantCreateSchema, request.body);
    const tenant = await tenants.create(input.name);
    response.status(201).json({ id: tenant.id, name: tenant.name, api_key: tenant.api_key, created_at: tenant.created_at });
  });
  return router;
}
