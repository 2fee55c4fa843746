import type { CompatAnswer, CompatRequest } from '../compat.js';

/** Gigapay's list pages: `page` (default 1) and `page_size` (default 25); answers `{ count, next, previous, results }`. */
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1000;

function positiveInteger(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  return number >= 1 ? number : null;
}

export function gigapayPage(items: readonly unknown[], request: Pick<CompatRequest, 'query' | 'url'>, status: number): CompatAnswer {
  const requestedPage = request.query.page;
  const page = requestedPage === undefined ? 1 : positiveInteger(requestedPage);
  const sizeGiven = positiveInteger(request.query.page_size);
  const pageSize = Math.min(sizeGiven ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  if (page === null || page > pages) return { status: 404, body: { detail: 'Invalid page.' } };
  const link = (to: number) => `${request.url}?page=${to}${sizeGiven ? `&page_size=${pageSize}` : ''}`;
  return {
    status,
    body: {
      count: items.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: items.slice((page - 1) * pageSize, page * pageSize),
    },
  };
}
