import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import { secretMatcher } from './auth.js';
import { errorAnswer } from './error-handler.js';
import type { StoreWriteHealth } from '@hookfleet/store';
import { parseOrThrow } from './validate.js';
import { refuseDeepBody, refuseInvalidUtf8 } from './json-body.js';
import { publishRoutes } from './routes/events.js';
import { SECURITY_HEADERS } from './security-headers.js';
import type { NativeRoute, RouteServices } from './routes/route-table.js';

/** 1 MiB, as BODY_LIMIT (json-body.ts): a larger body goes to Express, which answers 413. */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** The publishing routes (one event, a batch), by path: the same declarations Express mounts. */
const ROUTES = new Map<string, NativeRoute>(publishRoutes.map((route) => [route.path, route]));
const OPERATOR = { kind: 'operator' } as const;

export interface IngestFastPathOptions {
  adminToken: string;
  /** What the route's handler uses (the event service). */
  services: RouteServices;
  metrics: HookfleetMetrics;
  logger: Logger;
  /** Counts the writes the store refuses (its 503s). */
  writeHealth?: StoreWriteHealth | undefined;
}

/** A charset body-parser would decode as UTF-8 (none named is UTF-8 for JSON). */
function isUtf8(contentType: string | undefined): boolean {
  const charset = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1] : undefined;
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/** body-parser's strict JSON: an object or an array, a UTF-8 byte order mark allowed. */
function parseStrictJson(raw: Buffer): unknown {
  refuseInvalidUtf8(raw);
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') throw Object.assign(new SyntaxError('not a JSON object or array'), { type: 'entity.parse.failed' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(error as Error, { type: 'entity.parse.failed' });
  }
}

/**
 * Publishing is the hot path (issue 11: 5,000 single POSTs a second on one API process), and Express's share of it —
 * the router walk, body-parser, res.json's ETag — was a third of the API's CPU per event. A batch pays that once per
 * request, so its gain is for small batches (for 500 events it is within the noise: bench/README.md, the thirtieth
 * round). The operator's plain `POST /v1/events` and `POST /v1/events/batch` (known length, no content encoding, UTF-8)
 * are answered here by the route table's own declarations of those routes (routes/events.ts: body schema and handler)
 * with the same error answers; every other request, and every edge of these (chunked, compressed, empty, over 1 MiB,
 * another charset, a query string), goes to the Express app untouched.
 */
export function withIngestFastPath(app: RequestListener, options: IngestFastPathOptions): RequestListener {
  const isAdminToken = secretMatcher(options.adminToken);
  const durations = options.metrics.httpRequestDuration;

  function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const json = JSON.stringify(body);
    // An answer to credentials, as every authenticated route's (routes/mount.ts): no cache may keep it.
    response.writeHead(status, { ...headers, ...SECURITY_HEADERS, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    response.end(json);
  }

  async function answer(route: NativeRoute, raw: Buffer, response: ServerResponse): Promise<void> {
    try {
      const parsed = parseStrictJson(raw);
      refuseDeepBody(parsed);
      const body: unknown = parseOrThrow(route.body as NonNullable<typeof route.body>, parsed, 'invalid request body');
      const answer = await route.handler({ params: {}, query: {}, body, principal: OPERATOR }, options.services);
      send(response, answer.status, answer.body);
    } catch (error) {
      const failure = errorAnswer(error, options.logger, options.writeHealth);
      send(response, failure.status, failure.body, failure.headers);
    }
  }

  /** The publishing route this request takes on the fast path, or undefined for Express. */
  function fastRoute(request: IncomingMessage): NativeRoute | undefined {
    const { headers } = request;
    if (request.method !== 'POST') return undefined;
    const route = ROUTES.get(request.url ?? '');
    if (!route) return undefined;
    const length = Number(headers['content-length']);
    if (!(length > 0 && length <= BODY_LIMIT_BYTES) || headers['transfer-encoding'] || headers['content-encoding'] || !isUtf8(headers['content-type'])) return undefined;
    const bearer = headers.authorization ? /^Bearer\s+(.+)$/i.exec(headers.authorization.trim())?.[1]?.trim() : undefined;
    return bearer !== undefined && isAdminToken(bearer) ? route : undefined;
  }

  return (request, response) => {
    const route = fastRoute(request);
    if (!route) return app(request, response);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      durations.observe({ method: 'POST', route: route.path, status_code: String(response.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void answer(route, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), response));
    request.on('error', () => response.destroy());
  };
}
