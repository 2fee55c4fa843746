import { paymoEventShape } from './data-shapes.js';
import { HOUR, MINUTE } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { isPaymoEventType, isPaymoSubscriptionEvent, paymoEvents, paymoPatternsFor } from './events.js';
import { buildPaymoRequest } from './request.js';
import { paymoAcceptsEvent } from './access.js';
import { paymoOnAttempt } from './bookkeeping.js';
import { paymoCompat } from './compat.js';

/**
 * Paymo (seed 000 and Paymo's current public docs). Paymo documents no retry policy: the ladder is ours,
 * 1 min, 5 min, 30 min, 2 h and 6 h (6 attempts), as docs/profiles.md says.
 */
export const paymoProfile = {
  name: 'paymo',
  description: 'Paymo: the object itself (or { id } for deletes), X-Paymo-Webhook/Event/Signature headers, access rights and where filters',
  events: paymoEvents,
  openCatalogue: false,
  generateSecret: null,
  isKnownEventType: isPaymoEventType,
  isValidSubscriptionEvent: isPaymoSubscriptionEvent,
  subscriptionPatternsFor: paymoPatternsFor,
  acceptsEvent: paymoAcceptsEvent,
  eventShape: paymoEventShape,
  buildRequest: buildPaymoRequest,
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR],
  ownedHeaders: ['x-paymo-webhook', 'x-paymo-event', 'x-paymo-signature'],
  onAttempt: paymoOnAttempt,
  compat: paymoCompat,
} satisfies ProviderProfile;
