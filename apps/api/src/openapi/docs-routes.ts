import express, { Router, type Request } from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

// swagger-ui-dist ships the reference page's assets: served from here, so /docs needs no outside network.
const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookfleet API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 });`;

/** GET /openapi.json and GET /docs (an HTML reference rendered from it). The document may depend on the request (its `servers`). */
export function docsRoutes(document: (request: Request) => unknown): Router {
  const router = Router();
  router.get('/openapi.json', (request, response) => {
    response.json(document(request));
  });
  router.get('/docs', (_request, response) => {
    response
      .set('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
      .type('html')
      .send(PAGE);
  });
  router.get('/docs/init.js', (_request, response) => {
    response.type('application/javascript').send(INIT);
  });
  router.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  return router;
}
