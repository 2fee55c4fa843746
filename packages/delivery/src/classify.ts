import type { SendResult } from './transport.js';

export type AttemptOutcomeLabel = 'success' | 'failure' | 'timeout' | 'error';

/** The metric outcome of one attempt: the profile judges a response, timeouts and network errors speak for themselves. */
export function classifyAttempt(result: SendResult, isSuccess: (statusCode: number) => boolean): AttemptOutcomeLabel {
  if (result.kind === 'timeout') return 'timeout';
  if (result.kind === 'error' || result.kind === 'stalled' || result.statusCode === null) return 'error';
  return isSuccess(result.statusCode) ? 'success' : 'failure';
}
