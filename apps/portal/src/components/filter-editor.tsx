import type { Issue } from '../api.js';

/**
 * The endpoint's payload filter as JSON (docs/delivery.md, "Payload filters"); each problem the server finds is
 * listed by its path inside the filter (`data.amount.$gtt`), so the person sees which operator to fix.
 */
export function FilterEditor(props: { value: string; onInput: (value: string) => void; issues: Issue[] }) {
  const described = props.issues.length > 0 ? 'filter-hint filter-error' : 'filter-hint';
  return (
    <div class="field">
      <label for="filter">Filter (optional)</label>
      <textarea
        id="filter"
        rows={4}
        spellcheck={false}
        placeholder='{"data.amount": {"$gte": 100}}'
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
        aria-invalid={props.issues.length > 0}
        aria-describedby={described}
      />
      <p id="filter-hint" class="hint">
        Only events this JSON takes are delivered: paths such as <code>type</code>, <code>data.amount</code> or <code>actor.id</code>, to a value or to
        operators ($eq $ne $in $nin $gt $gte $lt $lte $exists), combined with $and, $or, $not. Leave it empty for every event.
      </p>
      {props.issues.length > 0 ? (
        <ul id="filter-error" class="field-error" role="alert">
          {props.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path.replace(/^filter\.?/, '') || 'filter'}</code>: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The editor's text as the API's `filter`: null when empty; a SyntaxError's message when it is not JSON. */
export function parseFilterText(text: string): { filter: Record<string, unknown> | null } | { problem: string } {
  if (!text.trim()) return { filter: null };
  try {
    return { filter: JSON.parse(text) as Record<string, unknown> };
  } catch (error) {
    return { problem: `not JSON: ${(error as Error).message}` };
  }
}

export const filterText = (filter: Record<string, unknown> | null | undefined) => (filter ? JSON.stringify(filter, null, 2) : '');
