/** Every Redis key hookfleet writes outside BullMQ, under one prefix so tests and deployments never collide. */
export class Keys {
  constructor(readonly prefix: string) {}
  tenant(id: string) { return `${this.prefix}:tenant:${id}`; }
  apiKey(hash: string) { return `${this.prefix}:apikey:${hash}`; }
  subscription(id: string) { return `${this.prefix}:sub:${id}`; }
  allSubscriptions() { return `${this.prefix}:subs:all`; }
  tenantSubscriptions(tenant: string) { return `${this.prefix}:subs:tenant:${tenant}`; }
  subscriptionChanges() { return `${this.prefix}:subs:changes`; }
  subscriptionState(id: string) { return `${this.prefix}:substate:${id}`; }
  attempts(subscriptionId: string) { return `${this.prefix}:attempts:${subscriptionId}`; }
  dedupe(eventId: string) { return `${this.prefix}:dedupe:${eventId}`; }
  event(eventId: string) { return `${this.prefix}:event:${eventId}`; }
  tenantEvents(tenant: string) { return `${this.prefix}:events:${tenant}`; }
  delivery(id: string) { return `${this.prefix}:dlv:${id}`; }
  subscriptionDeliveries(subscriptionId: string) { return `${this.prefix}:dlvs:${subscriptionId}`; }
  eventDeliveries(eventId: string) { return `${this.prefix}:edlvs:${eventId}`; }
  /** Failed and dead deliveries of a subscription, by creation time: the dead-letter queue, written only on failures. */
  subscriptionDeliveriesByStatus(subscriptionId: string, status: 'failed' | 'dead') { return `${this.prefix}:dlvs:${subscriptionId}:${status}`; }
  rateLimit(subscriptionId: string) { return `${this.prefix}:rl:${subscriptionId}`; }
  endpointPause(subscriptionId: string) { return `${this.prefix}:pause:${subscriptionId}`; }
  endpointHealth(subscriptionId: string) { return `${this.prefix}:health:${subscriptionId}`; }
  operation(id: string) { return `${this.prefix}:op:${id}`; }
  compatIndex(profile: string, tenant: string, name: string) { return `${this.prefix}:compat:${profile}:${tenant}:${name}`; }
}
