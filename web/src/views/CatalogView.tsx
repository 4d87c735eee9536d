"use client";

import Link from "next/link";
import { ContentCard } from "../components/ContentCard.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket } from "../components/Gates.tsx";
import { useCatalog } from "../hooks/useMarket.ts";
import { describeError } from "../lib/txErrors.ts";

function CatalogList() {
  const catalog = useCatalog();
  if (catalog.isPending) return <LoadingCards label="Loading the catalog" />;
  if (catalog.isError) {
    return (
      <EmptyState title="The catalog could not be read">
        <p>{describeError(catalog.error).message}</p>
        <button type="button" className="button" onClick={() => catalog.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  }
  if (catalog.data.length === 0) {
    return (
      <EmptyState title="Nothing published yet">
        <p>
          Be the first: <Link href="/publish">publish a file</Link>.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="card-grid" data-testid="catalog">
      {catalog.data.map((entry) => (
        <ContentCard key={entry.contentId.toString()} entry={entry} />
      ))}
    </div>
  );
}

export function CatalogView() {
  return (
    <>
      <div className="page-head">
        <h1>Catalog</h1>
        <p>Buy a license, or buy through a friend's copy and pay them a reward.</p>
      </div>
      <RequireMarket>
        <CatalogList />
      </RequireMarket>
    </>
  );
}
