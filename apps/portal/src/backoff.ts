/** The wait before the first read after a successful one; doubled for each transient refusal in a row. */
const FIRST_WAIT_MS = 400;
/** The longest wait, so a read comes soon after the API recovers. */
const LONGEST_WAIT_MS = 5000;

/**
 * How long to wait before asking the API again after `refusals` transient refusals in a row (`ApiError.transient`:
 * no answer, 429, 5xx): 400 ms doubling, at most 5 s. Up to 20% less at random, so readers refused together (the
 * endpoint list reads up to 50 rows' statistics at once) do not all come back in the same instant.
 */
export function backoffMs(refusals: number, random: () => number = Math.random): number {
  return Math.round(Math.min(FIRST_WAIT_MS * 2 ** refusals, LONGEST_WAIT_MS) * (1 - 0.2 * random()));
}
