import { hubPlannerEventShape } from './data-shapes.js';
import { HOUR, MINUTE, SECOND } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { hubPlannerEvents, hubPlannerPatternsFor, isHubPlannerEventType, isHubPlannerSubscriptionEvent } from './events.js';
import { buildHubPlannerRequest, isHubPlannerSuccess } from './request.js';
import { hubPlannerCompat } from './compat.js';

/**
 * Hub Planner (seed 001). It documents no retries: the ladder is ours, 30 s, 2 min, 10 min, 1 h and 6 h
 * (6 attempts), as docs/profiles.md says.
 */
export const hubPlannerProfile = {
  name: 'hubplanner',
  description: 'Hub Planner: the object with `event` added, hubplanner-token header; only 200, 201 and 204 succeed',
  events: hubPlannerEvents,
  openCatalogue: false,
  generateSecret: null,
  isKnownEventType: isHubPlannerEventType,
  isValidSubscriptionEvent: isHubPlannerSubscriptionEvent,
  subscriptionPatternsFor: hubPlannerPatternsFor,
  eventShape: hubPlannerEventShape,
  buildRequest: buildHubPlannerRequest,
  isSuccess: isHubPlannerSuccess,
  retryDelaysMs: [30 * SECOND, 2 * MINUTE, 10 * MINUTE, 1 * HOUR, 6 * HOUR],
  ownedHeaders: ['hubplanner-token'],
  compat: hubPlannerCompat,
} satisfies ProviderProfile;
