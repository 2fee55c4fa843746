import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { ErrorNotice, Loading } from './components/notices.js';
import { absoluteTime, relativeTime } from './format.js';
import { EndpointForm } from './pages/endpoint-form.js';
import { EndpointPage } from './pages/endpoint-page.js';
import { EndpointsPage } from './pages/endpoints-page.js';
import { SignIn } from './pages/sign-in.js';
import { titleFor } from './route.js';
import { Link, navigate, useRoute } from './router.js';
import { SESSION_ENDED, signOut, startSession, type SessionState } from './session.js';
import { useSessionExpiry } from './session-expiry.js';
import { useInterval } from './use-resource.js';
import type { PortalSession } from './types.js';

type AppState = { kind: 'loading' } | { kind: 'failed'; error: ApiError } | SessionState;

/** How often the header's "Session ends in …" is worked out again, so it stays true on a page left open. */
const SESSION_CLOCK_MS = 15_000;

function Header({ session, onSignOut }: { session: PortalSession; onSignOut: () => void }) {
  const [, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), SESSION_CLOCK_MS);
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <Link to="/" class="brand">
          <span class="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          {session.tenant.name}
          <span class="brand-sub">Webhook endpoints</span>
        </Link>
        <div class="topbar-session">
          <span class="muted" title={absoluteTime(session.expires_at)}>
            Session ends {relativeTime(session.expires_at)}
          </span>
          <button type="button" class="button ghost small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}

/**
 * Each page's title, and the focus moved to the new page after a change in place (a link, Back): otherwise it stays
 * on the link that went away (the document's body), and a screen reader says nothing about the page that came.
 */
function usePageChange(title: string): void {
  const first = useRef(true);
  useEffect(() => {
    document.title = title;
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.querySelector('main');
    if (!main) return;
    main.tabIndex = -1;
    main.focus({ preventScroll: true });
  }, [title]);
}

function Pages({ session }: { session: PortalSession }) {
  const { route, search } = useRoute();
  usePageChange(titleFor(route));
  if (route.name === 'endpoints') return <EndpointsPage session={session} />;
  if (route.name === 'new') return <EndpointForm session={session} />;
  if (route.name === 'edit') return <EndpointForm session={session} endpointId={route.id} />;
  if (route.name === 'endpoint') return <EndpointPage session={session} endpointId={route.id} justCreated={search.get('created') === '1'} />;
  return (
    <main class="page">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the endpoints</Link>
      </p>
    </main>
  );
}

export function App() {
  const [state, setState] = useState<AppState>({ kind: 'loading' });
  const ended = useCallback(() => setState({ kind: 'signed-out', reason: 'ended' }), []);
  useSessionExpiry(state.kind === 'ready' ? state.session : null, ended);
  useEffect(() => {
    const start = () =>
      startSession().then(setState, (error: unknown) =>
        setState({ kind: 'failed', error: error instanceof ApiError ? error : new ApiError('The portal could not start.', 0) }),
      );
    void start();
    // A portal link opened in this tab while it shows the portal changes only the fragment: the page is not loaded
    // again, so the new link is exchanged here (and leaves the address bar), its session replacing the one shown.
    const linkOpened = () => {
      if (!new URLSearchParams(location.hash.slice(1)).has('token')) return;
      setState({ kind: 'loading' });
      void start();
    };
    window.addEventListener(SESSION_ENDED, ended);
    window.addEventListener('hashchange', linkOpened);
    return () => {
      window.removeEventListener(SESSION_ENDED, ended);
      window.removeEventListener('hashchange', linkOpened);
    };
  }, [ended]);

  if (state.kind === 'loading')
    return (
      <main class="narrow">
        <Loading label="Opening the endpoint portal…" />
      </main>
    );
  if (state.kind === 'failed')
    return (
      <main class="narrow">
        <ErrorNotice error={state.error} />
      </main>
    );
  if (state.kind === 'signed-out') return <SignIn reason={state.reason} onSignedIn={setState} />;
  return (
    <>
      <Header
        session={state.session}
        onSignOut={async () => {
          await signOut();
          setState({ kind: 'signed-out', reason: 'none' });
          navigate('/', { replace: true });
        }}
      />
      <Pages session={state.session} />
    </>
  );
}
