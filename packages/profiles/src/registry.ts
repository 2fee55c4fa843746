import type { ProviderProfile } from './profile.js';
import { standardProfile } from './standard/index.js';
import { paymoProfile } from './paymo/index.js';
import { hubPlannerProfile } from './hubplanner/index.js';
import { forecastProfile } from './forecast/index.js';
import { paybookProfile } from './paybook/index.js';
import { gigapayProfile } from './gigapay/index.js';

/** Every profile hookfleet serves, in the order listings show them. */
export const profiles: readonly ProviderProfile[] = [standardProfile, paymoProfile, hubPlannerProfile, forecastProfile, paybookProfile, gigapayProfile];

const byName = new Map(profiles.map((profile) => [profile.name, profile]));

export function findProfile(name: string): ProviderProfile | undefined {
  return byName.get(name);
}

export function profileNames(): string[] {
  return profiles.map((profile) => profile.name);
}
