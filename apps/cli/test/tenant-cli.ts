import { startFleet, type TestFleet } from '../../../test/fleet.js';
import type { CliEnv } from './cli-process.js';

/** A fleet (a matcher, no delivery worker) with one tenant, and the CLI's environment as that tenant. */
export async function startTenantCli(): Promise<{ fleet: TestFleet; asTenant: CliEnv }> {
  const fleet = await startFleet({ WORKER_ROLES: 'matcher' });
  const tenant = await fleet.createTenant();
  return { fleet, asTenant: { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key } };
}
