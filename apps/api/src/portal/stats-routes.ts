import { ATTEMPT_LOG_LENGTH } from '@hookfleet/store';
import { callerOf, route, type NativeRoute } from '../routes/route-table.js';
import { endpointStatsSchema } from '../routes/answer-schemas.js';
import { endpointStats } from './endpoint-stats.js';
import { ownerScopeOf } from './subscription-scope.js';

/** GET /v1/subscriptions/:id/stats: the last 24 h of an endpoint, so a list of endpoints needs no attempt logs. */
export const endpointStatsRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/stats',
    summary: 'The endpoint’s last 24 h: attempts, success ratio, last status code, attempts per hour by outcome',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    answers: { 200: { description: 'The endpoint’s statistics', schema: endpointStatsSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, deliveries }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      return { status: 200, body: endpointStats(await deliveries.attempts(subscription.id), ATTEMPT_LOG_LENGTH) };
    },
  }),
];
