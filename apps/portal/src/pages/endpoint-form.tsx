import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, withoutSecret } from '../api.js';
import { BrokerDestinationFields, brokerDraftOf, destinationOf, destinationSummary, type BrokerDraft } from '../components/broker-destination.js';
import { DeleteEndpoint } from '../components/delete-endpoint.js';
import { DELIVERY_OPTION_FIELDS, DeliveryOptionsFields, deliveryOptionsBody, deliveryOptionsDraft, emptyDeliveryOptions } from '../components/delivery-options.js';
import { EventPicker } from '../components/event-picker.js';
import { FilterEditor, filterText, parseFilterText } from '../components/filter-editor.js';
import { ErrorNotice, Loading } from '../components/notices.js';
import { SecretField } from '../components/secret-field.js';
import { SignatureSchemeField } from '../components/signature-scheme.js';
import { parseEventList } from '../format.js';
import { Link, navigate } from '../router.js';
import type { Endpoint, EndpointWithSecret, PortalSession, SignatureScheme } from '../types.js';
import { useResource } from '../use-resource.js';
import { loadEventCatalogue } from '../event-catalogue.js';
import { urlChange } from '../components/poll-endpoint.js';

const FIELDS = ['url', 'destination', 'events', 'description', 'secret', 'profile', 'signature', 'filter', ...DELIVERY_OPTION_FIELDS] as const;

function FieldError({ id, messages }: { id: string; messages: string[] }) {
  return messages.length > 0 ? (
    <p id={id} class="field-error" role="alert">
      {messages.join(' ')}
    </p>
  ) : null;
}

/** Create an endpoint (no `endpointId`) or edit one: URL, description, event types; the secret is managed apart. */
export function EndpointForm({ session, endpointId }: { session: PortalSession; endpointId?: string }) {
  const editing = endpointId !== undefined;
  const existing = useResource<Endpoint | null>(
    () => (editing ? api.get<EndpointWithSecret>(`/v1/subscriptions/${encodeURIComponent(endpointId)}`).then(withoutSecret) : Promise.resolve(null)),
    [endpointId],
  );
  const catalogue = useResource(() => loadEventCatalogue(), []);
  const [url, setUrl] = useState('');
  const [broker, setBroker] = useState<BrokerDraft | null>(null);
  const [description, setDescription] = useState('');
  const [profile, setProfile] = useState('standard');
  const [selected, setSelected] = useState<string[]>([]);
  const [custom, setCustom] = useState('');
  const [secret, setSecret] = useState('');
  const [filter, setFilter] = useState('');
  const [signature, setSignature] = useState<SignatureScheme>('v1');
  const [options, setOptions] = useState(emptyDeliveryOptions);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  /** An edit form shows only once it holds the endpoint, so nothing typed early is overwritten. */
  const [populated, setPopulated] = useState(!editing);
  const formRef = useRef<HTMLFormElement>(null);

  // The save button is at the foot of a long form, and the first field refused may be far above it, out of sight:
  // without this a click on "Create endpoint" seems to do nothing. Its field takes the focus (and scrolls into view).
  useEffect(() => {
    if (!error || error.issues.length === 0) return;
    const problem = formRef.current?.querySelector<HTMLElement>('.field-error');
    const field = problem?.closest('.field')?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea');
    if (field) field.focus();
    else problem?.scrollIntoView({ block: 'center' });
  }, [error]);

  const profileTypes = (catalogue.data?.data ?? []).filter((entry) => entry.profile === profile);
  const profiles = [...new Set((catalogue.data?.data ?? []).map((entry) => entry.profile))];

  useEffect(() => {
    const endpoint = existing.data;
    // Without the catalogue (it failed to load) every event type goes to the free-text field.
    if (!endpoint || (!catalogue.data && !catalogue.error)) return;
    const known = new Set((catalogue.data?.data ?? []).filter((entry) => entry.profile === endpoint.profile).map((entry) => entry.type));
    setUrl(endpoint.url);
    setBroker(brokerDraftOf(endpoint));
    setDescription(endpoint.description ?? '');
    setProfile(endpoint.profile);
    setSignature(endpoint.signature);
    setSelected(endpoint.events.filter((type) => known.has(type)));
    setCustom(endpoint.events.filter((type) => !known.has(type)).join(', '));
    setFilter(filterText(endpoint.filter));
    setOptions(deliveryOptionsDraft(endpoint));
    setPopulated(true);
  }, [existing.data, catalogue.data, catalogue.error]);

  if (editing && !existing.error && !populated)
    return (
      <main class="page narrow">
        <Loading label="Loading the endpoint…" />
      </main>
    );
  if (editing && existing.error)
    return (
      <main class="page narrow">
        <ErrorNotice error={existing.error} title="This endpoint could not be loaded." />
      </main>
    );
  if (!editing && !session.can_create) {
    return (
      <main class="page narrow">
        <ErrorNotice error={new Error('This portal session manages the endpoints it was opened for and cannot add new ones.')} />
      </main>
    );
  }

  const fieldErrors = (field: string) => error?.fieldMessages(field) ?? [];
  const otherIssues = error ? error.issues.filter((issue) => !FIELDS.some((field) => issue.path === field || issue.path.startsWith(`${field}.`))) : [];
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const events = [...new Set([...selected, ...parseEventList(custom)])];
    const parsedFilter = parseFilterText(filter);
    if ('problem' in parsedFilter) {
      setError(new ApiError('The filter is not valid.', 400, [{ path: 'filter', message: parsedFilter.problem }]));
      setBusy(false);
      return;
    }
    try {
      if (editing) {
        await api.patch(`/v1/subscriptions/${encodeURIComponent(endpointId)}`, { ...(broker ? { destination: destinationOf(broker) } : urlChange(existing.data, url.trim())), events, description: description.trim() || null, signature, filter: parsedFilter.filter, ...deliveryOptionsBody(options, 'patch') });
        navigate(`/endpoints/${encodeURIComponent(endpointId)}`);
      } else {
        const created = await api.post<EndpointWithSecret>('/v1/subscriptions', {
          ...(broker ? { destination: destinationOf(broker) } : { url: url.trim() }),
          events,
          profile,
          signature,
          ...(description.trim() ? { description: description.trim() } : {}),
          ...(secret ? { secret } : {}),
          ...(parsedFilter.filter ? { filter: parsedFilter.filter } : {}),
          ...deliveryOptionsBody(options, 'create'),
        });
        navigate(`/endpoints/${encodeURIComponent(created.id)}?created=1`);
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError('Saving failed.', 0));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="page narrow">
      <p class="crumbs">
        <Link to="/">Endpoints</Link>
        {editing ? (
          <>
            {' '}
            / <Link to={`/endpoints/${encodeURIComponent(endpointId)}`}>{existing.data ? destinationSummary(existing.data) : endpointId}</Link>
          </>
        ) : null}
      </p>
      <h1>{editing ? 'Edit endpoint' : 'Add an endpoint'}</h1>
      <form ref={formRef} class="card form" onSubmit={submit} noValidate>
        <BrokerDestinationFields draft={broker} onChange={setBroker} errors={fieldErrors} />
        <div class="field" hidden={broker !== null}>
          <label for="url">Endpoint URL</label>
          <input
            id="url"
            name="url"
            type="url"
            inputMode="url"
            required
            placeholder="https://example.com/webhooks"
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
            aria-invalid={fieldErrors('url').length > 0}
            aria-describedby="url-error"
          />
          <FieldError id="url-error" messages={fieldErrors('url')} />
        </div>
        {!editing ? (
          <div class="field">
            <label for="profile">Profile</label>
            <select
              id="profile"
              value={profile}
              onChange={(event) => {
                setProfile(event.currentTarget.value);
                setSelected([]);
              }}
            >
              {(profiles.length > 0 ? profiles : ['standard']).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
            <p class="hint">How deliveries are shaped and signed. Standard follows Standard Webhooks.</p>
            <FieldError id="profile-error" messages={fieldErrors('profile')} />
          </div>
        ) : null}
        {catalogue.error ? <ErrorNotice error={catalogue.error} title="The event catalogue could not be loaded." /> : null}
        <EventPicker
          catalogue={profileTypes}
          loading={catalogue.loading}
          selected={selected}
          onToggle={(type, checked) => setSelected((list) => (checked ? [...list, type] : list.filter((entry) => entry !== type)))}
          custom={custom}
          onCustom={setCustom}
          errors={fieldErrors('events')}
        />
        <FilterEditor value={filter} onInput={setFilter} issues={error?.issues.filter((issue) => issue.path === 'filter' || issue.path.startsWith('filter.')) ?? []} />
        <SignatureSchemeField value={signature} onChange={setSignature} errors={fieldErrors('signature')} />
        <div class="field">
          <label for="description">Description (optional)</label>
          <input id="description" type="text" maxLength={2000} value={description} onInput={(event) => setDescription(event.currentTarget.value)} />
          <FieldError id="description-error" messages={fieldErrors('description')} />
        </div>
        {!editing ? (
          <div class="field">
            <label for="secret">Signing secret (optional)</label>
            <input
              id="secret"
              type="password"
              autocomplete="new-password"
              placeholder="leave empty to have one made"
              value={secret}
              onInput={(event) => setSecret(event.currentTarget.value)}
            />
            <FieldError id="secret-error" messages={fieldErrors('secret')} />
          </div>
        ) : null}
        <DeliveryOptionsFields value={options} onChange={setOptions} errors={fieldErrors} />
        {error && (otherIssues.length > 0 || error.issues.length === 0) ? (
          <ErrorNotice error={otherIssues.length > 0 ? new Error(`${error.message} ${otherIssues.map((issue) => issue.message).join('; ')}`) : error} />
        ) : null}
        <div class="actions">
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create endpoint'}
          </button>
          <Link to={editing ? `/endpoints/${encodeURIComponent(endpointId)}` : '/'} class="button ghost">
            Cancel
          </Link>
        </div>
      </form>
      {editing && existing.data ? (
        <>
          <section class="card panel" aria-labelledby="secret-title">
            <h2 id="secret-title">Signing secret</h2>
            <SecretField endpointId={existing.data.id} previousSecretExpiresAt={existing.data.previous_secret_expires_at} />
          </section>
          <DeleteEndpoint endpointId={existing.data.id} />
        </>
      ) : null}
    </main>
  );
}
