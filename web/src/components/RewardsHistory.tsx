import type { Currency } from "@superdist/contracts";
import type { Activity } from "../hooks/useActivity.ts";
import { formatTimestamp, shortHash } from "../lib/format.ts";
import { amountIn } from "./ClaimPanel.tsx";

type Row = {
  key: string;
  blockNumber: bigint;
  timestamp?: bigint;
  hash: string;
  what: string;
  amount: string;
};

/** Credits and claims, newest first, each dated and with its transaction. */
export function RewardsHistory({
  activity,
  currencies,
  titles,
}: {
  activity: Activity;
  currencies: ReadonlyMap<string, Currency>;
  titles: ReadonlyMap<bigint, string>;
}) {
  const { credits, claims } = activity;
  if (credits.length === 0 && claims.length === 0) return <p className="muted">No rewards yet.</p>;
  const contentOf = new Map<bigint, bigint>();
  const visit = (nodes: Activity["licenses"]) => {
    for (const node of nodes) {
      contentOf.set(node.tokenId, node.contentId);
      visit(node.children);
    }
  };
  visit(activity.licenses);
  const of = (tokenId: bigint) => {
    const contentId = contentOf.get(tokenId);
    const title = contentId === undefined ? undefined : titles.get(contentId);
    return title ? ` of “${title}”` : "";
  };
  const rows: Row[] = [
    ...credits.map((credit) => ({
      key: `credit-${credit.transactionHash}-${credit.level}-${credit.ancestorTokenId}`,
      blockNumber: credit.blockNumber,
      timestamp: credit.timestamp,
      hash: credit.transactionHash,
      what:
        credit.level === 1
          ? `Level 1 reward: license #${credit.tokenId}${of(credit.tokenId)} was bought through your license #${credit.ancestorTokenId}`
          : `Level ${credit.level} reward: license #${credit.tokenId}${of(credit.tokenId)} was bought ${credit.level} steps down the line of your license #${credit.ancestorTokenId}`,
      amount: `+${amountIn(currencies, credit.currency, credit.amount)}`,
    })),
    ...claims.map((claimed) => ({
      key: `claim-${claimed.transactionHash}-${claimed.currency}`,
      blockNumber: claimed.blockNumber,
      timestamp: claimed.timestamp,
      hash: claimed.transactionHash,
      what: "Claimed",
      amount: `−${amountIn(currencies, claimed.currency, claimed.amount)}`,
    })),
  ].sort((a, b) => (a.blockNumber < b.blockNumber ? 1 : a.blockNumber > b.blockNumber ? -1 : 0));
  return (
    <div className="table-wrap">
      <table data-testid="history">
        <thead>
          <tr>
            <th>When</th>
            <th>What</th>
            <th className="number">Amount</th>
            <th>Transaction</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <td>
                {row.timestamp !== undefined ? (
                  <time dateTime={new Date(Number(row.timestamp) * 1000).toISOString()}>
                    {formatTimestamp(row.timestamp)}
                  </time>
                ) : (
                  `Block ${row.blockNumber}`
                )}
              </td>
              <td>{row.what}</td>
              <td className="number">{row.amount}</td>
              <td>
                <code className="hash" title={row.hash}>
                  {shortHash(row.hash)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
