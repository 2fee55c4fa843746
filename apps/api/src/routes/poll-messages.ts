import { z } from 'zod';
import { ownerScopeOf } from '../portal/subscription-scope.js';
import { callerOf, route, type NativeRoute, type RouteCall } from './route-table.js';

/** The longest a long-poll may wait (seconds). */
export const MAX_POLL_WAIT_SECONDS = 30;

export const pollMessagesQuerySchema = z.object({
  after: z.string().max(200).optional().describe('the `next` of an earlier answer: everything up to it is acknowledged (delivered)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  wait: z.coerce.number().min(0).max(MAX_POLL_WAIT_SECONDS).default(0).describe('seconds to wait for a message when none is there (long-poll)'),
});

const pollMessageSchema = z.object({
  id: z.string().describe('the delivery id, as `webhook-id`'),
  event_id: z.string(),
  type: z.string(),
  timestamp: z.string().describe('when the event occurred (ISO-8601)'),
  body: z.string().describe('the exact signed body'),
  headers: z.record(z.string(), z.string()).describe('the headers the profile and the subscription put on an HTTP delivery, the signature among them (not the sender’s content-type and user-agent)'),
});
export const pollPageSchema = z.object({ data: z.array(pollMessageSchema), next: z.string().describe('opaque; the same position always gives the same cursor') });
export const pollBacklogSchema = z.object({
  messages: z.number().int().describe('handed over and not yet acknowledged'),
  oldest_waiting_since: z.string().nullable().describe('when the oldest of them was handed over (ISO-8601)'),
  oldest_waiting_seconds: z.number().int(),
});

/** Aborted when the caller hangs up before the answer: its long-poll stops waiting. */
function hangUpSignal(call: RouteCall): AbortSignal | undefined {
  const response = call.http?.response;
  if (!response) return undefined;
  const controller = new AbortController();
  response.once('close', () => controller.abort());
  return controller.signal;
}

/** Pull mode (docs/api.md, "Pull mode"): a poll subscription's messages, fetched and acknowledged by cursor. */
export const pollMessageRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/messages',
    summary: 'A poll subscription’s signed messages after a cursor, in order; the cursor acknowledges what it passed',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    query: pollMessagesQuerySchema,
    answers: { 200: { description: '`data: [{ id, event_id, type, timestamp, body, headers }]`, `next`', schema: pollPageSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, pollMessages, signingKeys }) {
      const { query } = call;
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      // The cursor is read against the subscription once it is known to be a poll one: else a 404, not a 400.
      const page = await pollMessages.fetch(subscription, {
        after: query.after ?? null,
        limit: query.limit,
        waitMs: Math.round(query.wait * 1000),
        signal: hangUpSignal(call),
        signingKeys: () => signingKeys.list(subscription.tenant),
      });
      return { status: 200, body: page };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/backlog',
    summary: 'A poll subscription’s backlog: messages handed over and not yet acknowledged, and how long the oldest has waited',
    tags: ['subscriptions'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    answers: { 200: { description: '`{ messages, oldest_waiting_since, oldest_waiting_seconds }`', schema: pollBacklogSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, pollMessages }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      return { status: 200, body: await pollMessages.backlog(subscription) };
    },
  }),
];
