import { Conflict, NotFound, operationListQuerySchema, recoverSchema, replaySchema, testDeliverySchema, type Operation, type Subscription } from '@hookfleet/core';
import type { OperationJobData } from '@hookfleet/queue';
import { isStoreRefusingWrites } from '@hookfleet/store';
import { assertWithinRetention } from '../retention.js';
import { assertActive } from './active-subscription.js';
import { sendTestDelivery } from '../test-delivery.js';
import { ownerScopeOf } from '../portal/subscription-scope.js';
import { callerOf, route, tenantScopeOf, type NativeRoute, type RouteCall, type RouteServices } from './route-table.js';
import { operationPageSchema, operationSchema, operationStartedSchema, testDeliveryResultSchema } from './answer-schemas.js';

/** The active subscription a recover or replay works on, with its window checked against the retention. */
async function operationTarget(call: RouteCall<unknown, { since: number }>, services: RouteServices): Promise<Subscription> {
  const subscription = await services.subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
  assertActive(subscription, 'recover or replay');
  assertWithinRetention(call.body.since, services.retentionMs);
  return subscription;
}

/**
 * Records a recover or replay as running and enqueues its job. A job the store refused (BullMQ adds it in one script,
 * so a refused one is not there) takes its record with it, so no operation reads `running` that never runs; the caller,
 * answered 503, never learned its id. After any other failure the job may be there, and its record stays.
 */
async function startOperation(services: RouteServices, subscription: Subscription, job: Omit<OperationJobData, 'operationId' | 'subscriptionId'>): Promise<string> {
  const operation = await services.operations.create(job.kind, subscription.tenant, subscription.id);
  try {
    await services.queues.operations.add(job.kind, { ...job, operationId: operation.id, subscriptionId: subscription.id });
  } catch (error) {
    if (isStoreRefusingWrites(error)) await services.operations.discard(operation);
    throw error;
  }
  return operation.id;
}

/** The operation of the path, if the caller's tenant owns it (a portal session's scope is checked before: portal-guard.ts). */
async function ownedOperation(call: RouteCall, { operations }: RouteServices): Promise<Operation> {
  const id = call.params.id as string;
  const operation = await operations.get(id);
  const scope = tenantScopeOf(call);
  if (!operation || (scope !== null && operation.tenant !== scope)) throw new NotFound(`operation ${id} not found`);
  return operation;
}

/** An operation as answered: as stored, less its tenant. */
function operationAnswer({ id, kind, status, total, done, subscription_id, created_at, error }: Operation) {
  return { id, kind, status, total, done, subscription_id, created_at, error };
}

/** Recover, replay (background operations with progress, listed per subscription, cancelable) and a synchronous test delivery. */
export const subscriptionOperationRoutes: NativeRoute[] = [
  route({
    method: 'post',
    path: '/v1/subscriptions/:id/recover',
    summary: 'Attempt every failed or dead delivery of a window again',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    body: recoverSchema,
    answers: { 202: { description: 'The operation started', schema: operationStartedSchema } },
    errors: ['not_found', 'conflict'],
    async handler(call, services) {
      const subscription = await operationTarget(call, services);
      const operationId = await startOperation(services, subscription, { kind: 'recover', since: call.body.since, until: call.body.until ?? Date.now() });
      return { status: 202, body: { operation_id: operationId } };
    },
  }),
  route({
    method: 'post',
    path: '/v1/subscriptions/:id/replay',
    summary: 'Deliver every retained event of a window the subscription matches now',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    body: replaySchema,
    answers: { 202: { description: 'The operation started', schema: operationStartedSchema } },
    errors: ['not_found', 'conflict'],
    async handler(call, services) {
      const subscription = await operationTarget(call, services);
      const { since, until, types } = call.body;
      const operationId = await startOperation(services, subscription, { kind: 'replay', since, until: until ?? Date.now(), types });
      return { status: 202, body: { operation_id: operationId } };
    },
  }),
  route({
    method: 'post',
    path: '/v1/subscriptions/:id/test',
    summary: 'Send one signed test delivery now and report the answer',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    body: testDeliverySchema,
    answers: { 200: { description: 'How the endpoint answered', schema: testDeliveryResultSchema } },
    errors: ['not_found', 'unprocessable'],
    async handler(call, { subscriptions, testDestination, signingKeys }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      return { status: 200, body: await sendTestDelivery(testDestination, subscription, call.body, signingKeys) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/operations/:id',
    summary: 'Progress of a recover or replay',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'operation' },
    answers: { 200: { description: 'The operation and its progress', schema: operationSchema } },
    errors: ['not_found'],
    async handler(call, services) {
      return { status: 200, body: operationAnswer(await ownedOperation(call, services)) };
    },
  }),
  route({
    method: 'post',
    path: '/v1/operations/:id/cancel',
    summary: 'Stop a running recover or replay',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'operation' },
    answers: { 200: { description: 'The operation, canceled: `done` is how far it got', schema: operationSchema } },
    errors: ['not_found', 'conflict'],
    async handler(call, services) {
      const operation = await ownedOperation(call, services);
      // Compare-and-set on its status: of this and the worker's end at once, one wins and the other changes nothing.
      const outcome = await services.operations.end(operation.id, 'canceled');
      if (!outcome.ended && outcome.status === null) throw new NotFound(`operation ${operation.id} not found`);
      if (!outcome.ended) throw new Conflict(`operation ${operation.id} has already ended (${outcome.status}): nothing to cancel`);
      // The worker stops before its next chunk; what it had enqueued still goes out, and `done` counts it.
      const canceled = (await services.operations.get(operation.id)) ?? { ...operation, status: 'canceled' };
      return { status: 200, body: operationAnswer(canceled) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/subscriptions/:id/operations',
    summary: 'A subscription’s recovers and replays of the last week, newest first',
    tags: ['operations'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription' },
    query: operationListQuerySchema,
    answers: { 200: { description: 'A page of operations with their progress', schema: operationPageSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, operations }) {
      const subscription = await subscriptions.getOwned(call.params.id as string, ownerScopeOf(callerOf(call)));
      const page = await operations.list(subscription.id, call.query);
      return { status: 200, body: { data: page.data.map(operationAnswer), next_cursor: page.next_cursor } };
    },
  }),
];
