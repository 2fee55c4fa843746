import { gigapayEventShape } from './data-shapes.js';
import { exponentialLadder, MINUTE } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { gigapayEvents, isGigapayEventType } from './events.js';
import { buildGigapayRequest, gigapayAcceptsEvent } from './request.js';
import { generateGigapaySecretKey } from './secret-key.js';
import { gigapayCompat } from './compat.js';

/**
 * Gigapay (seed 004). "Up to 10 times with an exponential backoff": our schedule doubles from one minute,
 * 1, 2, 4, 8, 16, 32, 64, 128, 256 and 512 minutes (11 attempts over about 17 hours), as docs/profiles.md says.
 */
export const gigapayProfile = {
  name: 'gigapay',
  description: 'Gigapay: the object that triggered the event, signed in Gigapay-Signature with the webhook secret_key',
  events: gigapayEvents,
  openCatalogue: false,
  generateSecret: generateGigapaySecretKey,
  isKnownEventType: isGigapayEventType,
  isValidSubscriptionEvent: isGigapayEventType,
  subscriptionPatternsFor: (type) => (isGigapayEventType(type) ? [type] : []),
  acceptsEvent: gigapayAcceptsEvent,
  eventShape: gigapayEventShape,
  buildRequest: buildGigapayRequest,
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: exponentialLadder(10, MINUTE, 2),
  ownedHeaders: ['gigapay-signature'],
  compat: gigapayCompat,
} satisfies ProviderProfile;
