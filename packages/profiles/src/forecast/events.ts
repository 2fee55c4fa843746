import { objectEventDescription } from '../event-description.js';
import type { EventTypeInfo } from '../profile.js';

export const FORECAST_TYPES = ['TASK', 'TIME_REG', 'PROJECT', 'PHASE'] as const;
export const FORECAST_ACTIONS = ['CREATE', 'UPDATE', 'DELETE'] as const;
export type ForecastType = (typeof FORECAST_TYPES)[number];
export type ForecastAction = (typeof FORECAST_ACTIONS)[number];

const SUFFIX: Record<ForecastAction, string> = { CREATE: 'created', UPDATE: 'updated', DELETE: 'deleted' };

/**
 * `<type in lower case>_<created|updated|deleted>`: Forecast documents only `task_updated`; the other names follow
 * the same pattern by our decision (docs/profiles.md, "forecast").
 */
export function forecastEventName(type: ForecastType, action: ForecastAction): string {
  return `${type.toLowerCase()}_${SUFFIX[action]}`;
}

export interface ForecastSubscriptionKind {
  type: ForecastType;
  event: ForecastAction;
}

const kindsByName = new Map<string, ForecastSubscriptionKind>(
  FORECAST_TYPES.flatMap((type) => FORECAST_ACTIONS.map((event) => [forecastEventName(type, event), { type, event }] as const)),
);

/** `time_reg_created` → { type: 'TIME_REG', event: 'CREATE' }. */
export function forecastKindOf(name: string): ForecastSubscriptionKind | null {
  return kindsByName.get(name) ?? null;
}

export const forecastEvents: readonly EventTypeInfo[] = [...kindsByName].map(([type, kind]) => ({
  type,
  description: `${objectEventDescription(kind.type, SUFFIX[kind.event])}${type === 'task_updated' ? '' : ' (name by the <type>_<action> pattern)'}`,
}));

export function isForecastEventType(name: string): boolean {
  return kindsByName.has(name);
}
