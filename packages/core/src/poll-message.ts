/**
 * One signed message of a poll subscription, as its subscriber fetches it (GET /v1/subscriptions/:id/messages;
 * docs/api.md, "Pull mode"): what an HTTP delivery would have sent, with the event it carries.
 */
export interface PollMessage {
  /** The delivery id, also in `headers['webhook-id']`: the same on every copy. */
  id: string;
  event_id: string;
  type: string;
  /** When the event occurred (ISO-8601). */
  timestamp: string;
  /** The exact body the signature covers. */
  body: string;
  /**
   * The headers the profile and the subscription put on an HTTP delivery: `webhook-id`, `webhook-timestamp`, the
   * signature … (not the sender's own `content-type` and `user-agent`).
   */
  headers: Record<string, string>;
}

/**
 * A poll subscription's backlog (GET /v1/subscriptions/:id/backlog), for the portal, operators and the SDK: what was
 * handed over and not yet acknowledged.
 */
export interface PollBacklog {
  messages: number;
  /** When the oldest of them was handed over (ISO-8601), null when none waits. */
  oldest_waiting_since: string | null;
  /** 0 when none waits. */
  oldest_waiting_seconds: number;
}
