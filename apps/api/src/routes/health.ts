import { route, type NativeRoute } from './route-table.js';
import { okAnswerSchema } from './answer-schemas.js';

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
    answers: { 200: { description: '`{ ok: true }`', schema: okAnswerSchema }, 503: { description: '`{ ok: false }`', schema: okAnswerSchema } },
    async handler(_call, { isReady }) {
      const ready = await isReady().catch(() => false);
      return { status: ready ? 200 : 503, body: { ok: ready } };
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
