"use client";

import { EmptyState } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";

export function LibraryView() {
  return (
    <>
      <div className="page-head">
        <h1>Library</h1>
        <p>Your licenses, your copies.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect the wallet that holds your licenses to see them here.">
          <EmptyState title="No licenses yet">
            <p>Licenses you buy appear here.</p>
          </EmptyState>
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
