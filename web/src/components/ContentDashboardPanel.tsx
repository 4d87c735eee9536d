"use client";

import type { Address } from "viem";
import { useCurrencies } from "../hooks/useActivity.ts";
import type { ContentEntry } from "../hooks/useMarket.ts";
import { useContentDashboard } from "../hooks/usePublications.ts";
import { describeError } from "../lib/txErrors.ts";
import { amountIn } from "./ClaimPanel.tsx";
import { ReferralTree } from "./ReferralTree.tsx";

/** A content's sales for its publisher: how many, what they brought per currency, and the tree they grew. */
export function ContentDashboardPanel({ entry, publisher }: { entry: ContentEntry; publisher: Address }) {
  const dashboard = useContentDashboard(entry.contentId);
  const currencies = useCurrencies(dashboard.data?.revenue.map((row) => row.currency));
  if (dashboard.isPending) return <p className="muted">Reading the sales…</p>;
  if (dashboard.isError) {
    return (
      <p className="notice" role="alert">
        The sales can't be shown: {describeError(dashboard.error).message}
      </p>
    );
  }
  const { sold, holders, revenue, trees } = dashboard.data;
  const known = currencies.data ?? new Map();
  return (
    <div data-testid="content-dashboard">
      <p>
        <strong data-testid="dashboard-sold">
          {sold === 1 ? "1 license sold" : `${sold} licenses sold`}
        </strong>
        {holders !== undefined ? ` · ${holders === 1 ? "1 holder" : `${holders} holders`}` : ""}
      </p>
      {revenue.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="revenue">
            <thead>
              <tr>
                <th>Currency</th>
                <th className="number">Sales</th>
                <th className="number">Paid by buyers</th>
                <th className="number">To your payout</th>
              </tr>
            </thead>
            <tbody>
              {revenue.map((row) => (
                <tr key={row.currency}>
                  <td>{known.get(row.currency.toLowerCase())?.symbol ?? row.currency}</td>
                  <td className="number">{row.count}</td>
                  <td className="number">{amountIn(known, row.currency, row.gross)}</td>
                  <td className="number">{amountIn(known, row.currency, row.payout)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {trees.length > 0 ? (
        <ReferralTree roots={trees} account={publisher} currencies={known} publisherView />
      ) : (
        <p className="muted">No sales yet. Share the content page: every buyer can pass their copy on.</p>
      )}
    </div>
  );
}
