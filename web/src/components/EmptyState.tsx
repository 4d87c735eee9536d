import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** Placeholder blocks with the shape of what is loading, announced once to screen readers. */
export function LoadingCards({ count = 3, label = "Loading" }: { count?: number; label?: string }) {
  return (
    <div className="card-grid" aria-busy="true" data-testid="loading">
      <span className="visually-hidden" role="status">
        {label}…
      </span>
      {Array.from({ length: count }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={index} className="card skeleton" aria-hidden="true" />
      ))}
    </div>
  );
}
