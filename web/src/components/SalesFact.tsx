"use client";

import { useContentSales } from "../hooks/useMarket.ts";

/** "Licenses sold" on a content page; a dash while the index can't say, never an old count. */
export function SalesFact({ contentId }: { contentId: bigint }) {
  const sales = useContentSales(contentId);
  return (
    <>
      <dt>Licenses sold</dt>
      <dd data-testid="sold" title={sales.isError ? "The index is unavailable" : undefined}>
        {sales.isPending || sales.isError ? "—" : sales.data.sold}
        {sales.data?.holders !== undefined ? (
          <span className="muted">
            {" "}
            · {sales.data.holders === 1 ? "1 holder" : `${sales.data.holders} holders`}
          </span>
        ) : null}
      </dd>
    </>
  );
}
