import type { EventType } from '../types.js';
import { EventSchema } from './event-schema.js';

/** The profile's catalogue as checkboxes with descriptions, plus types or patterns typed by hand. */
export function EventPicker(props: {
  catalogue: EventType[];
  /** While the catalogue is read; a failed read leaves it empty, and the form says why. */
  loading: boolean;
  selected: string[];
  onToggle: (type: string, checked: boolean) => void;
  custom: string;
  onCustom: (value: string) => void;
  errors: string[];
}) {
  return (
    <fieldset class="field" aria-describedby={props.errors.length > 0 ? 'events-error' : undefined}>
      <legend>Event types</legend>
      {props.loading ? <p class="muted small">Loading the event catalogue…</p> : null}
      <ul class="event-options">
        {props.catalogue.map((entry) => {
          const inputId = `event-${entry.type}`;
          return (
            <li key={entry.type}>
              <input
                id={inputId}
                type="checkbox"
                value={entry.type}
                checked={props.selected.includes(entry.type)}
                onChange={(event) => props.onToggle(entry.type, event.currentTarget.checked)}
              />
              <label for={inputId}>
                <code>{entry.type}</code>
                <span class="muted small">{entry.description}</span>
              </label>
              <EventSchema entry={entry} />
            </li>
          );
        })}
      </ul>
      <label for="events-custom">Other event types or patterns</label>
      <input
        id="events-custom"
        type="text"
        placeholder="invoice.paid, user.*"
        value={props.custom}
        onInput={(event) => props.onCustom(event.currentTarget.value)}
      />
      <p class="hint">
        Separate them with commas. A pattern such as <code>invoice.*</code> takes every type that starts with it.
      </p>
      {props.errors.length > 0 ? (
        <p id="events-error" class="field-error" role="alert">
          {props.errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
