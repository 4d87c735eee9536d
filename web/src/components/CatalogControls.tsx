"use client";

import type { CatalogEntry } from "../hooks/useMarket.ts";

export type CatalogSort = "newest" | "most-sold";
export type CatalogFilter = { query: string; currency: string; sort: CatalogSort };

export const ALL_CURRENCIES = "all";

/** The entries a filter keeps, in its order: a title search, one currency, newest or most sold first. */
export function applyCatalogFilter(entries: readonly CatalogEntry[], filter: CatalogFilter): CatalogEntry[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  const kept = entries.filter(
    (entry) =>
      (filter.currency === ALL_CURRENCIES || entry.content.currency.toLowerCase() === filter.currency) &&
      words.every((word) => (entry.content.title || entry.metadata.name || "").toLowerCase().includes(word)),
  );
  const newest = (a: CatalogEntry, b: CatalogEntry) => (a.contentId < b.contentId ? 1 : -1);
  return kept.sort(filter.sort === "most-sold" ? (a, b) => b.sold - a.sold || newest(a, b) : newest);
}

/** Search by title, filter by currency, sort: over the catalog the page already holds. */
export function CatalogControls({
  entries,
  filter,
  onChange,
}: {
  entries: readonly CatalogEntry[];
  filter: CatalogFilter;
  onChange(filter: CatalogFilter): void;
}) {
  const currencies = new Map(
    entries.map((entry) => [entry.content.currency.toLowerCase(), entry.currency.symbol]),
  );
  return (
    <search className="catalog-controls" aria-label="Search the catalog">
      <input
        type="search"
        placeholder="Search by title"
        aria-label="Search by title"
        value={filter.query}
        onChange={(event) => onChange({ ...filter, query: event.target.value })}
      />
      <select
        aria-label="Currency"
        value={filter.currency}
        onChange={(event) => onChange({ ...filter, currency: event.target.value })}
      >
        <option value={ALL_CURRENCIES}>All currencies</option>
        {[...currencies].map(([address, symbol]) => (
          <option key={address} value={address}>
            {symbol}
          </option>
        ))}
      </select>
      <select
        aria-label="Sort"
        value={filter.sort}
        onChange={(event) => onChange({ ...filter, sort: event.target.value as CatalogSort })}
      >
        <option value="newest">Newest first</option>
        <option value="most-sold">Most sold</option>
      </select>
    </search>
  );
}
