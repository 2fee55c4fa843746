export { createClient, type HookfleetClient } from './client.js';
export type { ClientOptions, ResolvedClientOptions, RetryOptions } from './options.js';
export type { HttpMethod, QueryValue, RequestFunction, RequestOptions } from './transport.js';
export { newEventId } from './event-ids.js';
export { everyItem } from './pages.js';
export {
  HookfleetApiError,
  HookfleetClientError,
  HookfleetConnectionError,
  HookfleetRepeatedCursorError,
  HookfleetTimeoutError,
  HookfleetValidationError,
  WebhookVerificationError,
} from './errors.js';
export { MessagePoller, type MessageQuery, type PollerOptions, type PollBacklog, type PollMessage, type PollPage } from './poller.js';
export { verifyWebhook, type StandardWebhookPayload, type WebhookBody, type WebhookHeaders } from './verify.js';
export type { Ed25519Jwk, WebhookPublicKey } from './verify-v1a.js';
export type * from './types.js';
export type * from './operation-types.js';
export type * from './event-type-types.js';
