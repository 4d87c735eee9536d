"use client";

import Link from "next/link";
import { useState } from "react";
import {
  ALL_CURRENCIES,
  applyCatalogFilter,
  CatalogControls,
  type CatalogFilter,
} from "../components/CatalogControls.tsx";
import { ContentCard } from "../components/ContentCard.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket } from "../components/Gates.tsx";
import { useCatalog } from "../hooks/useMarket.ts";
import { describeError } from "../lib/txErrors.ts";

function CatalogList() {
  const catalog = useCatalog();
  const [filter, setFilter] = useState<CatalogFilter>({
    query: "",
    currency: ALL_CURRENCIES,
    sort: "newest",
  });
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
  const shown = applyCatalogFilter(catalog.data, filter);
  return (
    <>
      <CatalogControls entries={catalog.data} filter={filter} onChange={setFilter} />
      {shown.length === 0 ? (
        <p className="muted" data-testid="no-match">
          Nothing in the catalog matches.{" "}
          <button
            type="button"
            className="link-button"
            onClick={() => setFilter({ query: "", currency: ALL_CURRENCIES, sort: filter.sort })}
          >
            Show everything
          </button>
        </p>
      ) : (
        <div className="card-grid" data-testid="catalog">
          {shown.map((entry) => (
            <ContentCard key={entry.contentId.toString()} entry={entry} />
          ))}
        </div>
      )}
    </>
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
