import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { secretMatcher } from '../auth.js';

export const QUEUE_ADMIN_PATH = '/admin/queues';

export interface QueueAdminOptions {
  adminToken: string;
  queues: readonly Queue[];
  /** HOOKFLEET_ADMIN_UI_ALLOW_RETRIES (config.ts): retries of failed jobs allowed; nothing else ever writes. */
  allowRetries: boolean;
}

/** The operator token as `Authorization: Bearer <token>`, or as the password of HTTP Basic (any user name). */
export function operatorCredential(header: string | undefined): string | undefined {
  const [scheme, value] = (header ?? '').trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (/^bearer$/i.test(scheme)) return value;
  if (!/^basic$/i.test(scheme)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 ? decoded.slice(colon + 1) : undefined;
}

function requireOperatorToken(adminToken: string) {
  const isAdminToken = secretMatcher(adminToken);
  return (request: Request, response: Response, next: NextFunction) => {
    const credential = operatorCredential(request.headers.authorization);
    if (credential && isAdminToken(credential)) return next();
    // The Basic challenge is what makes a browser ask for the token (as the password).
    response.set('WWW-Authenticate', 'Basic realm="hookfleet queues", charset="UTF-8"');
    response.status(401).json({ error: 'operator token required' });
  };
}

/** bull-board's write routes that only re-run failed jobs: one job, or every job in a state. */
const RETRY_ROUTES = [/^\/api\/queues\/[^/]+\/retry\/[^/]+\/?$/, /^\/api\/queues\/[^/]+\/[^/]+\/retry\/?$/];

/** With retries allowed the board is not read-only to bull-board, so every other write is refused here. */
function onlyRetriesWrite(request: Request, response: Response, next: NextFunction) {
  if (request.method === 'GET' || request.method === 'HEAD') return next();
  if (request.method === 'PUT' && RETRY_ROUTES.some((route) => route.test(request.path))) return next();
  response.status(405).json({ error: 'the queue admin UI only retries jobs' });
}

/** bull-board on the events and deliveries queues: read-only, or read plus retries when the operator asks. */
export function queueAdmin(options: QueueAdminOptions): Router {
  const { allowRetries } = options;
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_ADMIN_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !allowRetries, allowRetries })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'hookfleet queues' } },
  });
  const router = Router();
  router.use(requireOperatorToken(options.adminToken));
  if (allowRetries) router.use(onlyRetriesWrite);
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
