import { z } from 'zod';
import { DOCS_PATH, OPENAPI_PATH } from '../openapi/docs-routes.js';
import { PORTAL_PATH } from '../portal/portal-session-routes.js';
import { route, type NativeRoute } from './route-table.js';

const homeAnswerSchema = z.object({ name: z.literal('hookfleet'), docs: z.string(), openapi: z.string(), portal: z.string() });

/**
 * GET /: a person who opens the API's address in a browser lands on the API reference; an API client (curl, an SDK:
 * anything that does not ask for HTML first) gets a JSON answer naming where things are.
 */
export const homeRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/',
    summary: 'Where things are: a browser is sent to the API reference, an API client gets their paths',
    tags: ['health'],
    auth: ['none'],
    answers: {
      200: { description: 'The paths of the docs, the OpenAPI document and the portal', schema: homeAnswerSchema },
      302: { description: 'A browser (Accept: text/html) is sent to /docs', type: 'text/html' },
    },
    handler(call) {
      const wantsHtml = call.http?.request.accepts(['json', 'html']) === 'html';
      const vary = { vary: 'Accept' };
      if (wantsHtml) return { status: 302, headers: { ...vary, location: DOCS_PATH } };
      return { status: 200, headers: vary, body: { name: 'hookfleet', docs: DOCS_PATH, openapi: OPENAPI_PATH, portal: `${PORTAL_PATH}/` } };
    },
  }),
];
