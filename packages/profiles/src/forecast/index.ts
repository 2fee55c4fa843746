import { forecastEventShape } from './data-shapes.js';
import { MINUTE } from '../retry-ladder.js';
import type { ProviderProfile } from '../profile.js';
import { forecastEvents, isForecastEventType } from './events.js';
import { buildForecastRequest } from './request.js';
import { forecastCompat } from './compat.js';

/** Forecast (seed 002): its envelope; on any non-2xx up to 5 retries after 1, 2, 3, 5 and 10 minutes, then dead. */
export const forecastProfile = {
  name: 'forecast',
  description: 'Forecast: { timestamp, event, object: { id }, person: { id }, fields_changed } for task, time registration, project and phase events',
  events: forecastEvents,
  openCatalogue: false,
  generateSecret: null,
  isKnownEventType: isForecastEventType,
  isValidSubscriptionEvent: isForecastEventType,
  subscriptionPatternsFor: (type) => (isForecastEventType(type) ? [type] : []),
  eventShape: forecastEventShape,
  buildRequest: buildForecastRequest,
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: [1 * MINUTE, 2 * MINUTE, 3 * MINUTE, 5 * MINUTE, 10 * MINUTE],
  ownedHeaders: [],
  compat: forecastCompat,
} satisfies ProviderProfile;
