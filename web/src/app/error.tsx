"use client";

import { EmptyState } from "../components/EmptyState.tsx";

export default function ErrorPage({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <EmptyState title="Something went wrong">
      <p>{error.message}</p>
      <button type="button" className="button" onClick={reset}>
        Try again
      </button>
    </EmptyState>
  );
}
