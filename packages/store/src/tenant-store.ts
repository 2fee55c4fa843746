import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.js';
import { newId, sha256Hex, type Tenant } from '@hookfleet/core';
import { batch } from './batch.js';
import type { Keys } from './keys.js';

export interface CreatedTenant extends Tenant {
  api_key: string;
}

/** Tenants and their API keys; a key is stored only as its SHA-256, so a leaked database holds no usable key. */
export class TenantStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  async create(name: string): Promise<CreatedTenant> {
    const tenant: Tenant = { id: newId('ten'), name, created_at: new Date().toISOString() };
    const apiKey = `hfk_${randomBytes(24).toString('base64url')}`;
    // Two slots (the tenant's, the key's); no transaction needed: the key is unknown until this returns.
    const results = await batch(this.redis)
      .set(this.keys.tenant(tenant.id), JSON.stringify({ ...tenant, key_hash: sha256Hex(apiKey) }))
      .set(this.keys.apiKey(sha256Hex(apiKey)), tenant.id)
      .exec();
    for (const [error] of results ?? []) if (error) throw error;
    return { ...tenant, api_key: apiKey };
  }

  async get(id: string): Promise<Tenant | null> {
    const raw = await this.redis.get(this.keys.tenant(id));
    if (!raw) return null;
    const { key_hash: _hash, ...tenant } = JSON.parse(raw) as Tenant & { key_hash: string };
    return tenant;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.tenant(id))) === 1;
  }

  /** The tenant id behind an API key; the lookup is by hash, so no key is ever compared byte by byte. */
  async tenantForApiKey(apiKey: string): Promise<string | null> {
    if (!apiKey.startsWith('hfk_') || apiKey.length > 200) return null;
    return this.redis.get(this.keys.apiKey(sha256Hex(apiKey)));
  }
}
