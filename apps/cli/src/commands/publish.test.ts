import { describe, expect, it } from '@jest/globals';
import type { PublishResult } from '@hookfleet/client';
import { batchSummary } from './publish.js';

const sent = (id: string) => ({ id, deduplicated: false }) as PublishResult;
const again = (id: string) => ({ id, deduplicated: true }) as PublishResult;

describe('publish: the one-line summary of a batch', () => {
  it.each([
    [[sent('a'), sent('b')], 'published 2 events'],
    [[sent('a'), again('b')], 'published 1 event; 1 was already published (deduplicated)'],
    [[sent('a'), again('b'), again('c')], 'published 1 event; 2 were already published (deduplicated)'],
    [[again('a'), again('b')], 'published 0 events; 2 were already published (deduplicated)'],
    [[], 'published 0 events'],
  ])('%j → %s', (results, line) => {
    expect(batchSummary(results)).toBe(line);
  });
});
