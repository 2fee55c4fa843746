import type { DisabledReason, SignatureScheme, SigningKeyPair, StoredEvent, Subscription } from '@hookfleet/core';
import type { CompatApi } from './compat.js';
import type { EventShape } from './event-shape.js';

export interface EventTypeInfo {
  type: string;
  description: string;
  /** A name subscriptions may list but producers never publish (Hub Planner's `timeEntry.create.update`). */
  subscriptionOnly?: boolean;
}

export interface DeliveryRequestContext {
  deliveryId: string;
  event: StoredEvent;
  subscription: Subscription;
  /** 1 for the first attempt. */
  attempt: number;
  now: Date;
  /** The tenant's key pairs, current first: given when the subscription signs `v1a`. */
  signingKeys?: readonly SigningKeyPair[] | undefined;
}

/** What a profile adds to a delivery; the pipeline adds Content-Type, User-Agent and webhook-id itself. */
export interface BuiltRequest {
  body: string;
  headers: Record<string, string>;
}

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  /** True when this was the last attempt and it failed. */
  dead: boolean;
  at: Date;
}

/** Per-subscription bookkeeping a profile keeps (Paymo's last_status_code, Paybook's ct_failed …). */
export type Bookkeeping = Record<string, string | number | null>;

export interface BookkeepingEffect {
  /** Fields to set on the subscription's bookkeeping. */
  set?: Bookkeeping;
  /** Fields to increment. */
  increment?: Record<string, number>;
  /** Make the subscription inactive with this reason. */
  disable?: DisabledReason;
  /** Remove the subscription (Paymo deletes a hook that answered 410). */
  remove?: boolean;
}

/**
 * A provider's public webhook contract as data plus pure functions (docs/profiles.md, "What a profile is").
 * The pipeline reads only this interface and never a provider's name.
 */
export interface ProviderProfile {
  name: string;
  description: string;
  /** The event catalogue, for validation and GET /v1/event-types. */
  events: readonly EventTypeInfo[];
  /** True when any well-formed type is accepted (the standard profile). */
  openCatalogue: boolean;
  /** Whether subscriptions get a generated signing secret when none is given. */
  generateSecret: (() => string) | null;
  /**
   * Why this secret cannot sign for this profile (a sentence naming the format wanted), or null when it can; absent =
   * any string signs. Checked where a secret enters (create, update, rotation, compat routes), so a subscription never
   * holds a secret its deliveries cannot be signed with.
   */
  secretProblem?(secret: string): string | null;
  /** The subscription `signature` values this profile signs with; absent = `v1` only (its own scheme). */
  signatureSchemes?: readonly SignatureScheme[];
  isKnownEventType(type: string): boolean;
  /** Whether a subscription may list this entry in its `events` (exact names or the profile's wildcards). */
  isValidSubscriptionEvent(pattern: string): boolean;
  /** Every subscription `events` entry that would match this event type: the keys of the matching index. */
  subscriptionPatternsFor(type: string): readonly string[];
  /** The documented shape of this event type's `data` (and `actor`), checked at ingest; absent or null = any. */
  eventShape?(type: string): EventShape | null;
  /** Filters beyond the event type (access rights, `where` clauses); absent = every indexed candidate matches. */
  acceptsEvent?(subscription: Subscription, event: StoredEvent): boolean;
  buildRequest(context: DeliveryRequestContext): BuiltRequest;
  /**
   * The headers that sign an arbitrary `body` sent with `id` as its webhook-id: what a batch of deliveries needs
   * (docs/delivery.md, "Batches"). A profile that has it builds object bodies without an `id` of their own (a batch
   * element is the body with the delivery id added); absent = its subscriptions cannot batch.
   */
  signBody?(context: { id: string; subscription: Subscription; now: Date; body: string; signingKeys?: readonly SigningKeyPair[] | undefined }): Record<string, string>;
  isSuccess(statusCode: number): boolean;
  /** Delays before each retry, in milliseconds, unscaled: attempts in all = length + 1. */
  retryDelaysMs: readonly number[];
  /**
   * The headers this profile writes itself (its signature, token and event headers), lower case: a subscription's own
   * `headers` may not name them. The Standard Webhooks `webhook-*` headers are the delivery's, refused for every profile.
   */
  ownedHeaders: readonly string[];
  /** Bookkeeping after each attempt; absent = none. */
  onAttempt?(outcome: AttemptOutcome): BookkeepingEffect;
  /**
   * A disable rule on the bookkeeping as stored after a job's attempts were recorded: concurrent attempts each see an
   * older snapshot in onAttempt, so a threshold is judged here, where the last writer sees every count. A reason to
   * disable the subscription, or null; absent = none.
   */
  disableWhen?(bookkeeping: Bookkeeping): DisabledReason | null;
  /** The provider's own subscription REST API, mounted by the API under `/<name>`; absent = none. */
  compat?: CompatApi;
}
