import { Router } from 'express';
import { DOCS_PATH, OPENAPI_PATH } from './openapi/docs-routes.js';
import { PORTAL_PATH } from './portal/portal-session-routes.js';

/**
 * GET /: a person who opens the API's address in a browser lands on the API reference; an API client (curl, an SDK:
 * anything that does not ask for HTML first) gets a JSON answer naming where things are.
 */
export function homeRoutes(): Router {
  const router = Router();
  router.get('/', (request, response) => {
    response.vary('Accept');
    if (request.accepts(['json', 'html']) === 'html') return response.redirect(302, DOCS_PATH);
    response.json({ name: 'hookfleet', docs: DOCS_PATH, openapi: OPENAPI_PATH, portal: `${PORTAL_PATH}/` });
  });
  return router;
}
