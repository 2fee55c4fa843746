import { describe, expect, it } from '@jest/globals';
import { deliveryText } from './delivery-format.js';
import type { ReceivedDelivery } from './receiver.js';

function received(body: unknown, webhookId: string): ReceivedDelivery {
  return {
    receivedAt: new Date('2030-01-01T12:00:01.000Z'),
    method: 'POST',
    path: '/hook',
    headers: { 'webhook-id': webhookId },
    body: Buffer.from(JSON.stringify(body)),
    signature: { profile: 'standard', verdict: 'verified', error: null },
  };
}

describe("listen's line for a delivery", () => {
  it('names the event type of one delivery', () => {
    expect(deliveryText(received({ type: 'order.paid', data: {} }, 'dlv_1')).split('\n')[0]).toBe('12:00:01.000  ✔ verified  standard  POST /hook  dlv_1  order.paid');
  });

  it('says a batch is one, how many deliveries it holds and their types', () => {
    const batch = [
      { id: 'dlv_1', type: 'order.paid', data: {} },
      { id: 'dlv_2', type: 'order.shipped', data: {} },
      { id: 'dlv_3', type: 'order.paid', data: {} },
    ];
    expect(deliveryText(received(batch, 'batch_1')).split('\n')[0]).toBe(
      '12:00:01.000  ✔ verified  standard  POST /hook  batch_1  batch of 3 deliveries: order.paid, order.shipped',
    );
  });
});
