import express from 'express';
import { route, type NativeRoute } from '../routes/route-table.js';
import { openApiDocumentSchema } from '../routes/answer-schemas.js';
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

const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'";

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 });`;

/** Where the HTML API reference lives (a browser opening `/` is sent there). */
export const DOCS_PATH = '/docs';
export const OPENAPI_PATH = '/openapi.json';

/** GET /openapi.json and GET /docs (an HTML reference rendered from it). */
export const docsRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: OPENAPI_PATH,
    summary: 'This document',
    tags: ['health'],
    auth: ['none'],
    answers: { 200: { description: 'OpenAPI 3.1', schema: openApiDocumentSchema } },
    handler: (call, { openApiDocument }) => ({ status: 200, body: openApiDocument(call.http?.request) }),
  }),
  route({
    method: 'get',
    path: DOCS_PATH,
    summary: 'The HTML reference of this document',
    tags: ['health'],
    auth: ['none'],
    answers: { 200: { description: 'HTML', type: 'text/html' } },
    handler: () => ({ status: 200, type: 'html', headers: { 'content-security-policy': DOCS_CSP }, body: PAGE }),
  }),
  route({
    method: 'get',
    path: '/docs/init.js',
    summary: 'The script that renders /docs',
    tags: ['health'],
    auth: ['none'],
    answers: { 200: { description: 'JavaScript', type: 'application/javascript' } },
    handler: () => ({ status: 200, type: 'application/javascript', body: INIT }),
  }),
];

/** The reference page's own files (swagger-ui-dist), not routes of the API. */
export const DOCS_ASSETS_PATH = '/docs/assets';
export const docsAssets = () => express.static(swaggerUiDir, { index: false, maxAge: '1h' });
