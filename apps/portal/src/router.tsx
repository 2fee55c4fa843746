import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hrefFor, matchRoute, type Route } from './route.js';

const NAVIGATED = 'portal:navigated';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', hrefFor(path));
  else history.pushState(null, '', hrefFor(path));
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

export function useRoute(): { route: Route; search: URLSearchParams } {
  const read = () => ({ route: matchRoute(location.pathname), search: new URLSearchParams(location.search) });
  const [current, setCurrent] = useState(read);
  useEffect(() => {
    const update = () => setCurrent(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return current;
}

export function Link(props: { to: string; class?: string; children: ComponentChildren; 'aria-label'?: string }) {
  return (
    <a
      href={hrefFor(props.to)}
      class={props.class}
      aria-label={props['aria-label']}
      onClick={(event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
