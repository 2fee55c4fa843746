import { paybookEventShape } from './data-shapes.js';
import { HOUR, MINUTE } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { isPaybookEventType, paybookEvents } from './events.js';
import { buildPaybookRequest } from './request.js';
import { paybookDisableWhen, paybookOnAttempt } from './bookkeeping.js';
import { paybookCompat } from './compat.js';

/**
 * Paybook Sync (seed 003). It documents no retry policy: the ladder is ours, 1 min, 5 min, 15 min, 1 h, 3 h and
 * 6 h (7 attempts); `delay` holds the first attempt back; the disable policy is in bookkeeping.ts.
 */
export const paybookProfile = {
  name: 'paybook',
  description: 'Paybook Sync: the credential or refresh object, key-sorted; delay before the first attempt; ct_failed and a disable policy',
  events: paybookEvents,
  openCatalogue: false,
  generateSecret: null,
  isKnownEventType: isPaybookEventType,
  isValidSubscriptionEvent: isPaybookEventType,
  subscriptionPatternsFor: (type) => (isPaybookEventType(type) ? [type] : []),
  eventShape: paybookEventShape,
  buildRequest: buildPaybookRequest,
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 1 * HOUR, 3 * HOUR, 6 * HOUR],
  ownedHeaders: [],
  onAttempt: paybookOnAttempt,
  disableWhen: paybookDisableWhen,
  compat: paybookCompat,
} satisfies ProviderProfile;
