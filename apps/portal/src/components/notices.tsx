import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api.js';

export function Loading({ label }: { label: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorNotice({ error, title }: { error: ApiError | Error; title?: string }) {
  return (
    <div class="notice notice-error" role="alert">
      {title ? <strong>{title} </strong> : null}
      {error.message}
    </div>
  );
}

export function Notice({ kind, children }: { kind: 'info' | 'success' | 'warning'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children}
    </div>
  );
}
