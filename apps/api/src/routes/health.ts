import { z } from 'zod';
import { route, type NativeRoute } from './route-table.js';
import { okAnswerSchema } from './answer-schemas.js';

/**
 * /readyz answers the probe's whole result (packages/queue/src/readiness.ts), not `ok` alone: an operator whose pod
 * is not ready sees which check failed (Redis unreachable, Redis refusing writes, or a queue's own connection).
 */
const readinessAnswerSchema = okAnswerSchema.extend({
  redis: z.boolean().describe('Redis answered a PING'),
  writable: z.boolean().describe('Redis took a write (a small key with a 10 s expiry)'),
  queues: z.record(z.string(), z.boolean()).describe('per queue: its own connection answered a count'),
});

export const healthRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Process alive',
    tags: ['health'],
    auth: ['none'],
    answers: { 200: { description: '`{ ok: true }`', schema: okAnswerSchema } },
    handler: () => ({ status: 200, body: { ok: true } }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    summary: 'Redis answers and takes a write, and the queues answer',
    tags: ['health'],
    auth: ['none'],
    answers: {
      200: { description: '`{ ok: true, redis: true, writable: true, queues: { … } }`', schema: readinessAnswerSchema },
      503: { description: '`ok: false` and the checks that failed false', schema: readinessAnswerSchema },
    },
    // The probe settles each of its checks itself, so it does not reject; were it to, the error handler's 500 is
    // not ready either.
    async handler(_call, { isReady }) {
      const readiness = await isReady();
      return { status: readiness.ok ? 200 : 503, body: readiness };
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tags: ['health'],
    auth: ['none'],
    answers: { 200: { description: 'Prometheus text format', type: 'text/plain' } },
    async handler(_call, { metrics }) {
      return { status: 200, type: metrics.registry.contentType, body: await metrics.registry.metrics() };
    },
  }),
];
