import type { EventType } from '../types.js';

/** An event type's JSON Schema (what its `data` always satisfies), folded away until asked for, and its deprecation. */
export function EventSchema({ entry }: { entry: EventType }) {
  return (
    <>
      {entry.deprecated ? <span class="badge badge-warn">deprecated</span> : null}
      {entry.schema ? (
        <details class="event-schema small">
          <summary>Data schema</summary>
          <pre>{JSON.stringify(entry.schema, null, 2)}</pre>
        </details>
      ) : null}
    </>
  );
}
