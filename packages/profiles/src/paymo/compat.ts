import { z } from 'zod';
import { subscriptionUrlSchema, ValidationFailed, type SubscriptionPatch } from '@hookfleet/core';
import { compatRoute, failureSentence, type CompatApi, type CompatView } from '../compat.js';
import { isoSeconds } from '../json-shape.js';
import { isPaymoSubscriptionEvent, isPaymoWildcard } from './events.js';
import { parseWhere, WhereSyntaxError } from './where-filter.js';
import { paymoCompatExamples } from './fixtures.js';

/** Paymo's `/api/hooks`: list, get, create, partial update (PUT or POST), delete; answers as `{ "hooks": [ … ] }`. */

const timeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
export const paymoHookSchema = z.object({
  id: z.number().int().positive(),
  target_url: z.string(),
  last_status_code: z.number().int().nullable(),
  event: z.string(),
  // Paymo's current docs add `where`; the seed's examples predate it.
  where: z.string().nullable().optional(),
  created_on: timeSchema,
  updated_on: timeSchema,
});
const hooksAnswerSchema = z.object({ hooks: z.array(paymoHookSchema) });

const eventSchema = z.string().min(1).max(200).refine(isPaymoSubscriptionEvent, 'not a Paymo webhook event');
const whereSchema = z.string().max(2000).nullable().optional();

/** A `where` that cannot be parsed is refused for concrete events; wildcard hooks are checked per event (Paymo's rule). */
export function whereProblem(event: string, where: string | null | undefined): string | null {
  if (!where || isPaymoWildcard(event)) return null;
  try {
    parseWhere(where);
    return null;
  } catch (error) {
    return error instanceof WhereSyntaxError ? error.message : 'invalid where';
  }
}

const createSchema = z
  .object({
    target_url: subscriptionUrlSchema,
    event: eventSchema,
    where: whereSchema,
    secret: z.string().min(1).max(500).optional(),
    // Paymo hooks belong to the user who made them; hookfleet keys belong to a tenant, so the creator is named here.
    created_by: z.union([z.string().min(1).max(200), z.number()]).transform(String).optional(),
  })
  .superRefine((input, context) => {
    const problem = whereProblem(input.event, input.where);
    if (problem) context.addIssue({ code: 'custom', path: ['where'], message: problem });
  });
type PaymoCreate = z.infer<typeof createSchema>;

const updateSchema = z.object({
  target_url: subscriptionUrlSchema.optional(),
  event: eventSchema.optional(),
  where: whereSchema,
  secret: z.string().max(500).optional(),
});
type PaymoUpdate = z.infer<typeof updateSchema>;

function lastStatusCode(view: CompatView): number | null {
  const raw = view.bookkeeping.last_status_code;
  return raw === undefined || raw === null || raw === '' ? null : Number(raw);
}

export function presentPaymoHook(view: CompatView) {
  const { subscription } = view;
  return {
    id: subscription.compat.id,
    target_url: subscription.url,
    last_status_code: lastStatusCode(view),
    event: subscription.events[0],
    where: (subscription.compat.where as string | null | undefined) ?? null,
    created_on: isoSeconds(subscription.created_at),
    updated_on: isoSeconds(subscription.updated_at),
  };
}

function toCreate(input: PaymoCreate) {
  return {
    fields: { url: input.target_url, events: [input.event], secret: input.secret, created_by: input.created_by },
    compat: { where: input.where ?? null },
  };
}

function toUpdate(input: PaymoUpdate, current: CompatView) {
  const event = input.event ?? (current.subscription.events[0] as string);
  const where = input.where !== undefined ? input.where : ((current.subscription.compat.where as string | null | undefined) ?? null);
  const problem = whereProblem(event, where);
  if (problem) throw new ValidationFailed('invalid where', [{ path: 'where', message: problem }]);
  const patch: SubscriptionPatch = {};
  if (input.target_url !== undefined) patch.url = input.target_url;
  if (input.event !== undefined) patch.events = [input.event];
  // An empty secret turns signing off.
  if (input.secret !== undefined) patch.secret = input.secret;
  // "On update the webhook's last_response_code will be reset."
  return { patch, compat: { where }, resetBookkeeping: ['last_status_code'] };
}

const hookExamples = paymoCompatExamples;

export const paymoCompat: CompatApi = {
  auth: { type: 'http', scheme: 'basic', description: 'HTTP Basic: the tenant key as the user name, any password' },
  challenge: 'Basic realm="paymo", charset="UTF-8"',
  credential(headers) {
    // HTTP Basic with the API key as the user name and any password.
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(headers.authorization?.trim() ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    return user || undefined;
  },
  idField: 'id',
  newId: 'sequence',
  routes: [
    compatRoute({ method: 'GET', path: '/api/hooks', operation: 'list', status: 200, answer: hooksAnswerSchema, examples: hookExamples.list }),
    compatRoute({ method: 'POST', path: '/api/hooks', operation: 'create', status: 201, body: createSchema, answer: hooksAnswerSchema, examples: hookExamples.create, toCreate }),
    compatRoute({ method: 'GET', path: '/api/hooks/:id', operation: 'get', status: 200, answer: hooksAnswerSchema, examples: hookExamples.get }),
    compatRoute({ method: 'PUT', path: '/api/hooks/:id', operation: 'update', status: 200, body: updateSchema, answer: hooksAnswerSchema, examples: hookExamples.update, toUpdate }),
    compatRoute({ method: 'POST', path: '/api/hooks/:id', operation: 'update', status: 200, body: updateSchema, answer: hooksAnswerSchema, examples: hookExamples.update, toUpdate }),
    compatRoute({ method: 'DELETE', path: '/api/hooks/:id', operation: 'delete', status: 200 }),
  ],
  present: presentPaymoHook,
  answer(result) {
    if (result.operation === 'list') return { status: result.status, body: { hooks: result.items } };
    if (result.operation === 'delete') return { status: result.status, body: {} };
    return { status: result.status, body: { hooks: [result.item] } };
  },
  error(failure) {
    return { status: failure.status, body: { message: failureSentence(failure) } };
  },
};
