import type { Endpoint } from '../types.js';

/**
 * An endpoint's own delivery options as the form edits them (docs/api.md, "Subscriptions"): headers one
 * `Name: value` a line, the retry delays in seconds, the timeout and the batch. Empty fields mean the defaults.
 */
export interface DeliveryOptionsDraft {
  headers: string;
  retryDelays: string;
  maxAttempts: string;
  timeoutMs: string;
  batchMaxEvents: string;
  batchMaxWaitMs: string;
}

export const emptyDeliveryOptions: DeliveryOptionsDraft = { headers: '', retryDelays: '', maxAttempts: '', timeoutMs: '', batchMaxEvents: '', batchMaxWaitMs: '' };

/** The fields whose errors this component shows (the API names them `headers.X-Env`, `retry.max_attempts`, …). */
export const DELIVERY_OPTION_FIELDS = ['headers', 'retry', 'timeout_ms', 'batch'] as const;

export function deliveryOptionsDraft(endpoint: Endpoint): DeliveryOptionsDraft {
  return {
    headers: Object.entries(endpoint.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    retryDelays: endpoint.retry ? endpoint.retry.delays_seconds.join(', ') : '',
    maxAttempts: endpoint.retry ? String(endpoint.retry.max_attempts) : '',
    timeoutMs: endpoint.timeout_ms === null || endpoint.timeout_ms === undefined ? '' : String(endpoint.timeout_ms),
    batchMaxEvents: endpoint.batch ? String(endpoint.batch.max_events) : '',
    batchMaxWaitMs: endpoint.batch ? String(endpoint.batch.max_wait_ms) : '',
  };
}

/** A number typed (`-5` and `1.5` too, so the API judges its value, not its type); anything else as typed. */
const numberOrText = (text: string): number | string => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : text.trim());

/** `all` without one occurrence of each of `taken`: the messages of a field path that none of its own fields shows. */
function rest(all: string[], taken: string[]): string[] {
  const left = [...all];
  for (const message of taken) {
    const index = left.indexOf(message);
    if (index >= 0) left.splice(index, 1);
  }
  return left;
}

/**
 * The request fields of a draft. An empty field is the default: on a PATCH `null` (clearing what was emptied), on a
 * create left out (the create body takes no nulls).
 */
export function deliveryOptionsBody(draft: DeliveryOptionsDraft, mode: 'create' | 'patch'): Record<string, unknown> {
  const headers = Object.fromEntries(
    draft.headers
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const colon = line.indexOf(':');
        return colon < 0 ? [line.trim(), ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      }),
  );
  const delays = draft.retryDelays.split(',').map((step) => step.trim()).filter((step) => step !== '').map(numberOrText);
  const retry = delays.length > 0 || draft.maxAttempts.trim() !== '' ? { delays_seconds: delays, ...(draft.maxAttempts.trim() ? { max_attempts: numberOrText(draft.maxAttempts) } : {}) } : null;
  const batch = draft.batchMaxEvents.trim() !== '' ? { max_events: numberOrText(draft.batchMaxEvents), max_wait_ms: draft.batchMaxWaitMs.trim() ? numberOrText(draft.batchMaxWaitMs) : 1000 } : null;
  const body = { headers, retry, timeout_ms: draft.timeoutMs.trim() ? numberOrText(draft.timeoutMs) : null, batch };
  return mode === 'patch' ? body : Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
}

function Field(props: { id: string; label: string; hint: string; value: string; onInput: (value: string) => void; errors: string[]; multiline?: boolean; placeholder?: string }) {
  const common = {
    id: props.id,
    value: props.value,
    placeholder: props.placeholder,
    'aria-invalid': props.errors.length > 0,
    'aria-describedby': `${props.id}-hint`,
  };
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={3} onInput={(event) => props.onInput(event.currentTarget.value)} />
      ) : (
        <input {...common} type="text" onInput={(event) => props.onInput(event.currentTarget.value)} />
      )}
      <p id={`${props.id}-hint`} class="hint">
        {props.hint}
      </p>
      {props.errors.length > 0 ? (
        <p class="field-error" role="alert">
          {props.errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The form's "Delivery options" group: headers, retries, timeout, batch. */
export function DeliveryOptionsFields({ value, onChange, errors }: { value: DeliveryOptionsDraft; onChange: (next: DeliveryOptionsDraft) => void; errors: (field: string) => string[] }) {
  const set = (key: keyof DeliveryOptionsDraft) => (text: string) => onChange({ ...value, [key]: text });
  // Each message at the field it is about (`retry.max_attempts` under "Attempts in all"); one about the whole retry or
  // batch object under its first field.
  const maxAttempts = errors('retry.max_attempts');
  const batchWait = errors('batch.max_wait_ms');
  const retryDelays = rest(errors('retry'), maxAttempts);
  const batchSize = rest(errors('batch'), batchWait);
  return (
    <fieldset class="field">
      <legend>Delivery options (optional)</legend>
      <Field id="headers" label="Headers" hint="Sent with every attempt, one “Name: value” a line." value={value.headers} onInput={set('headers')} errors={errors('headers')} multiline placeholder="X-Env: prod" />
      <Field id="retry-delays" label="Retry delays (seconds)" hint="Your own retry schedule, comma-separated; empty: the profile’s." value={value.retryDelays} onInput={set('retryDelays')} errors={retryDelays} placeholder="10, 300, 3600" />
      <Field id="max-attempts" label="Attempts in all" hint="Empty: one more than the delays." value={value.maxAttempts} onInput={set('maxAttempts')} errors={maxAttempts} />
      <Field id="timeout-ms" label="Timeout (ms)" hint="How long one attempt may take, 1000–30000; empty: the default." value={value.timeoutMs} onInput={set('timeoutMs')} errors={errors('timeout_ms')} />
      <Field id="batch-max-events" label="Batch size" hint="Send up to this many events in one request (a JSON array); empty: one a request." value={value.batchMaxEvents} onInput={set('batchMaxEvents')} errors={batchSize} />
      <Field id="batch-max-wait-ms" label="Batch wait (ms)" hint="How long the first event of a batch may wait for the rest (default 1000)." value={value.batchMaxWaitMs} onInput={set('batchMaxWaitMs')} errors={batchWait} />
    </fieldset>
  );
}

/** The options as the endpoint page lists them. */
export function DeliveryOptionsSummary({ endpoint }: { endpoint: Endpoint }) {
  const headers = Object.entries(endpoint.headers ?? {});
  return (
    <section class="card panel" aria-labelledby="options-title">
      <h2 id="options-title">Delivery options</h2>
      <dl class="options" data-options>
        <dt>Headers</dt>
        <dd data-option="headers">{headers.length === 0 ? 'none' : headers.map(([name, value]) => `${name}: ${value}`).join('; ')}</dd>
        <dt>Retries</dt>
        <dd data-option="retry">{endpoint.retry ? `after ${endpoint.retry.delays_seconds.map((seconds) => `${seconds}s`).join(', ') || 'none'}; ${endpoint.retry.max_attempts} attempts in all` : 'the profile’s schedule'}</dd>
        <dt>Timeout</dt>
        <dd data-option="timeout">{endpoint.timeout_ms === null || endpoint.timeout_ms === undefined ? 'default' : `${endpoint.timeout_ms} ms`}</dd>
        <dt>Batches</dt>
        <dd data-option="batch">{endpoint.batch ? `up to ${endpoint.batch.max_events} events, the first waiting at most ${endpoint.batch.max_wait_ms} ms` : 'one event a request'}</dd>
      </dl>
    </section>
  );
}
