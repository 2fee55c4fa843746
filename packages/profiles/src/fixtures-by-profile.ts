import type { ProfileFixtures } from './fixture.js';
import { standardFixtures } from './standard/fixtures.js';
import { paymoFixtures } from './paymo/fixtures.js';
import { hubPlannerFixtures } from './hubplanner/fixtures.js';
import { forecastFixtures } from './forecast/fixtures.js';
import { paybookFixtures } from './paybook/fixtures.js';
import { gigapayFixtures } from './gigapay/fixtures.js';

/**
 * Every profile's seed fixtures by the profile's name: the conformance suite (conformance.test.ts) and the API's
 * schema check of the documented events (apps/api/src/event-schemas.test.ts) walk the same list.
 */
export const fixturesByProfile: Readonly<Record<string, ProfileFixtures>> = {
  standard: standardFixtures,
  paymo: paymoFixtures,
  hubplanner: hubPlannerFixtures,
  forecast: forecastFixtures,
  paybook: paybookFixtures,
  gigapay: gigapayFixtures,
};
