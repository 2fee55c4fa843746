import { describe, expect, it } from '@jest/globals';
import { fixtureSubscription } from '../fixture.js';
import { paybookProfile } from './index.js';
import { PAYBOOK_DISABLE_AFTER } from './bookkeeping.js';
import { presentPaybookWebhook } from './compat.js';
import { paybookEnvelope, paybookErrorEnvelope } from './envelope.js';
import { paybookSeedWebhook } from './seed-bodies.js';

const at = new Date();

describe('paybook profile', () => {
  it.each([
    [{}, true, { set: { failed_in_a_row: 0 } }],
    [{ ct_failed: '3', failed_in_a_row: '3' }, true, { set: { failed_in_a_row: 0 } }],
    [{}, false, { increment: { ct_failed: 1, failed_in_a_row: 1 } }],
    [{ ct_failed: '1000', failed_in_a_row: '99' }, false, { increment: { ct_failed: 1, failed_in_a_row: 1 } }],
  ])('with bookkeeping %j, an attempt with ok=%s keeps %j', (bookkeeping, ok, effect) => {
    expect(paybookProfile.onAttempt({ ok, statusCode: ok ? 200 : 500, dead: false, at })).toEqual(effect);
  });

  it.each([
    [{}, null],
    [{ ct_failed: '5000', failed_in_a_row: '0' }, null],
    [{ failed_in_a_row: String(PAYBOOK_DISABLE_AFTER - 1) }, null],
    [{ failed_in_a_row: String(PAYBOOK_DISABLE_AFTER) }, 'failing'],
    [{ ct_failed: '1001', failed_in_a_row: String(PAYBOOK_DISABLE_AFTER + 5) }, 'failing'],
  ])('with stored bookkeeping %j, the disable rule says %s', (bookkeeping, reason) => {
    expect(paybookProfile.disableWhen(bookkeeping)).toBe(reason);
  });

  it('shows a webhook with the document\'s fields, in its order and formats', () => {
    const subscription = fixtureSubscription(
      {
        url: 'https://webhook_domain/my_webhook',
        events: ['credential_create', 'credential_update', 'refresh'],
        active: false,
        delay_seconds: 0,
        created_at: '2019-10-07T21:17:15.000Z',
        updated_at: '2020-03-20T05:37:43.000Z',
        compat: { id_webhook: '5d9bab5b8c91e73b2e4c75d3', id_user: null },
      },
      'paybook',
    );
    const shown = presentPaybookWebhook({ subscription, bookkeeping: { ct_failed: '1001' } });
    expect(shown).toEqual(paybookSeedWebhook);
    expect(Object.keys(shown)).toEqual(Object.keys(paybookSeedWebhook));
  });

  it('answers in the envelope: status true and errors null, or status false with the message', () => {
    expect(paybookEnvelope('rid1', 200, true)).toEqual({ status: 200, body: { rid: 'rid1', code: 200, errors: null, status: true, message: null, response: true } });
    expect(paybookErrorEnvelope('rid2', { status: 404, code: 'not_found', message: 'webhook x not found' })).toEqual({
      status: 404,
      body: { rid: 'rid2', code: 404, errors: null, status: false, message: 'webhook x not found', response: null },
    });
  });
});
