/** The portal's pages, by path under /portal (the API serves the same document for each). */
export const BASE = '/portal';

export type Route = { name: 'endpoints' } | { name: 'new' } | { name: 'endpoint'; id: string } | { name: 'edit'; id: string } | { name: 'missing' };

export function matchRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  if (parts.length === 0) return { name: 'endpoints' };
  if (parts[0] !== 'endpoints') return { name: 'missing' };
  if (parts.length === 1) return { name: 'endpoints' };
  if (parts.length === 2 && parts[1] === 'new') return { name: 'new' };
  if (parts.length === 2) return { name: 'endpoint', id: parts[1] as string };
  if (parts.length === 3 && parts[2] === 'edit') return { name: 'edit', id: parts[1] as string };
  return { name: 'missing' };
}

export function hrefFor(path: string): string {
  return `${BASE}${path}`;
}

/** The document's title for a page: each its own, so tabs, history and screen readers tell the pages apart. */
export function titleFor(route: Route): string {
  const page =
    route.name === 'endpoints'
      ? 'Endpoints'
      : route.name === 'new'
        ? 'Add an endpoint'
        : route.name === 'endpoint'
          ? `Endpoint ${route.id}`
          : route.name === 'edit'
            ? `Edit endpoint ${route.id}`
            : 'Page not found';
  return `${page} · hookfleet`;
}
