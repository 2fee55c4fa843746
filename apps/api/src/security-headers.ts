import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every answer, the app's (JSON, /docs, /admin/queues, the portal, which adds its own policy on top) and
 * the ingest fast path's (ingest-fast-path.ts): no content-type sniffing, and no page of this origin inside another
 * site's frame, where a click meant for it (a retry on the queue board, a button of the reference) could be stolen. The API answers no CORS preflight, so no
 * other origin reads an answer either.
 */
export const SECURITY_HEADERS = Object.freeze({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' });

export function securityHeaders(_request: Request, response: Response, next: NextFunction) {
  response.set(SECURITY_HEADERS);
  next();
}
