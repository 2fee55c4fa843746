import { describe, expect, it } from '@jest/globals';
import { indefiniteArticle, objectEventDescription, readableNoun } from './event-description.js';
import { forecastEvents } from './forecast/events.js';
import { gigapayEvents } from './gigapay/events.js';
import { paymoEvents } from './paymo/events.js';

describe('event descriptions', () => {
  it.each([
    ['employee', 'an'],
    ['invoice', 'an'],
    ['entry', 'an'],
    ['estimate', 'an'],
    ['object', 'an'],
    ['update', 'an'],
    ['user', 'a'],
    ['unit', 'a'],
    ['url', 'a'],
    ['payout', 'a'],
    ['task', 'a'],
    ['registration', 'a'],
  ])('%s takes "%s"', (noun, article) => {
    expect(indefiniteArticle(noun)).toBe(article);
  });

  it.each([
    ['ClientContact', 'client contact'],
    ['InvoicePayment', 'invoice payment'],
    ['TIME_REG', 'time reg'],
    ['Employee', 'employee'],
  ])('writes %s as %s', (name, noun) => {
    expect(readableNoun(name)).toBe(noun);
  });

  it('describes events with the right article', () => {
    expect(objectEventDescription('Employee', 'created')).toBe('An employee was created');
    expect(objectEventDescription('User', 'deleted')).toBe('A user was deleted');
  });

  it.each([
    ['gigapay', gigapayEvents, 'Employee.created', 'An employee was created'],
    ['gigapay', gigapayEvents, 'Payout.accepted', 'A payout was accepted'],
    ['paymo', paymoEvents, 'model.insert.Invoice', 'An invoice was created'],
    ['paymo', paymoEvents, 'model.update.ClientContact', 'A client contact was updated'],
    ['paymo', paymoEvents, 'model.start.Entry', "An entry's timer was started"],
    ['forecast', forecastEvents, 'task_updated', 'A task was updated'],
  ])('the %s catalogue describes %s as "%s"', (_profile, catalogue, type, description) => {
    expect(catalogue.find((event) => event.type === type)?.description).toBe(description);
  });

  it('every catalogue description starts with the article its object wants, and the object in words', () => {
    for (const { description } of [...gigapayEvents, ...paymoEvents, ...forecastEvents]) {
      const [, article, noun] = /^(A|An) ([a-z]+)/.exec(description) ?? [];
      expect({ description, article: article?.toLowerCase() }).toEqual({ description, article: noun ? indefiniteArticle(noun) : 'a lower-case noun' });
    }
  });
});
