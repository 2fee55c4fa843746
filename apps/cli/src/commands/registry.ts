import type { Command } from '../command.js';
import { deliveriesList, deliveriesShow, retry } from './deliveries.js';
import { eventsList, eventsShow } from './events.js';
import { eventTypes } from './event-types.js';
import { eventTypesCreate, eventTypesUpdate } from './event-type-edit.js';
import { subscriptionsUpdate } from './subscription-update.js';
import { listen } from './listen.js';
import { messages } from './messages.js';
import { publish } from './publish.js';
import { signingKeysRotate, signingKeysShow } from './signing-keys.js';
import { operationsCancel, operationsList, operationsShow, recover, replay } from './recovery.js';
import { subscriptionsDisable, subscriptionsEnable, subscriptionsTest } from './subscription-state.js';
import { tenantsCreate, tenantsDelete, tenantsList, tenantsRename, tenantsRotateKey, tenantsShow } from './tenants.js';
import { subscriptionsCreate, subscriptionsDelete, subscriptionsList, subscriptionsShow } from './subscriptions.js';
import { subscriptionsRotateSecret } from './subscription-secret.js';

/** Every command, in the order `hookfleet --help` lists them. */
export const commands: readonly Command[] = [
  tenantsList,
  tenantsCreate,
  tenantsShow,
  tenantsRotateKey,
  tenantsRename,
  tenantsDelete,
  publish,
  eventsList,
  eventsShow,
  subscriptionsList,
  subscriptionsCreate,
  subscriptionsShow,
  subscriptionsUpdate,
  subscriptionsDisable,
  subscriptionsEnable,
  subscriptionsTest,
  subscriptionsRotateSecret,
  subscriptionsDelete,
  deliveriesList,
  deliveriesShow,
  retry,
  messages,
  recover,
  replay,
  operationsShow,
  operationsList,
  operationsCancel,
  eventTypes,
  eventTypesCreate,
  eventTypesUpdate,
  signingKeysShow,
  signingKeysRotate,
  listen,
];
