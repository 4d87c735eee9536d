"use client";

import { LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket } from "../components/Gates.tsx";

export function CatalogView() {
  return (
    <>
      <div className="page-head">
        <h1>Catalog</h1>
        <p>Buy a license, or buy through a friend's copy and pay them a reward.</p>
      </div>
      <RequireMarket>
        <LoadingCards label="Loading the catalog" />
      </RequireMarket>
    </>
  );
}
