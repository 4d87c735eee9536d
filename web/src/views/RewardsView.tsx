"use client";

import { type Currency, superdistMarketAbi } from "@superdist/contracts";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import { ReferralTree } from "../components/ReferralTree.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { useActivity } from "../hooks/useActivity.ts";
import { useMarket } from "../hooks/useMarket.ts";
import { useTransactor } from "../hooks/useTransactor.ts";
import { formatAmount } from "../lib/format.ts";
import { describeError } from "../lib/txErrors.ts";

function amountIn(currencies: ReadonlyMap<string, Currency>, currency: Address, amount: bigint): string {
  const known = currencies.get(currency.toLowerCase());
  return known ? formatAmount(amount, known.decimals, known.symbol, 6) : amount.toString();
}

function Rewards({ account }: { account: Address }) {
  const { market } = useMarket();
  const activity = useActivity(account);
  const claim = useTransactor();
  if (activity.isPending) return <LoadingCards count={2} label="Loading your rewards" />;
  if (activity.isError) {
    return (
      <EmptyState title="Your rewards could not be read">
        <p>{describeError(activity.error).message}</p>
      </EmptyState>
    );
  }
  const { claimable, credits, claims, licenses, currencies } = activity.data;
  const owed = claimable.filter(({ amount }) => amount > 0n);

  return (
    <>
      <section className="panel" aria-labelledby="claimable-heading">
        <h2 id="claimable-heading">Claimable</h2>
        {owed.length === 0 ? (
          <p className="muted" data-testid="nothing-to-claim">
            Nothing to claim right now.
          </p>
        ) : (
          <>
            <ul className="claimable-list" data-testid="claimable">
              {owed.map(({ currency, amount }) => (
                <li key={currency} data-currency={currency}>
                  <strong>{amountIn(currencies, currency, amount)}</strong>
                </li>
              ))}
            </ul>
            <div className="actions">
              <button
                type="button"
                className="button primary"
                disabled={claim.busy}
                onClick={() =>
                  claim.write({
                    address: market as Address,
                    abi: superdistMarketAbi,
                    functionName: "claim",
                    args: [owed.map(({ currency }) => currency), account],
                  })
                }
              >
                {owed.length > 1 ? `Claim all ${owed.length} currencies` : "Claim"}
              </button>
            </div>
          </>
        )}
        <TxStatus state={claim.state} label="Claim" />
      </section>

      <section className="panel" aria-labelledby="tree-heading">
        <h2 id="tree-heading">Your referral tree</h2>
        {licenses.length === 0 ? (
          <p className="muted">
            You hold no licenses yet. Buy one, share your copy, and the sales through it grow here.
          </p>
        ) : (
          <ReferralTree roots={licenses} account={account} currencies={currencies} />
        )}
      </section>

      <section className="panel" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {credits.length === 0 && claims.length === 0 ? (
          <p className="muted">No rewards yet.</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="history">
              <thead>
                <tr>
                  <th>Block</th>
                  <th>What</th>
                  <th className="number">Amount</th>
                </tr>
              </thead>
              <tbody>
                {[
                  ...credits.map((credit) => ({
                    key: `credit-${credit.transactionHash}-${credit.level}`,
                    block: credit.blockNumber,
                    what:
                      credit.level === 1
                        ? `Level 1 reward: license #${credit.tokenId} was bought through your license #${credit.ancestorTokenId}`
                        : `Level ${credit.level} reward: license #${credit.tokenId} was bought ${credit.level} steps down the line of your license #${credit.ancestorTokenId}`,
                    amount: `+${amountIn(currencies, credit.currency, credit.amount)}`,
                  })),
                  ...claims.map((claimed) => ({
                    key: `claim-${claimed.transactionHash}-${claimed.currency}`,
                    block: claimed.blockNumber,
                    what: "Claimed",
                    amount: `−${amountIn(currencies, claimed.currency, claimed.amount)}`,
                  })),
                ]
                  .sort((a, b) => (a.block < b.block ? 1 : a.block > b.block ? -1 : 0))
                  .map((row) => (
                    <tr key={row.key}>
                      <td>{row.block.toString()}</td>
                      <td>{row.what}</td>
                      <td className="number">{row.amount}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

function ConnectedRewards() {
  const { address } = useConnection();
  return address ? <Rewards account={address} /> : null;
}

export function RewardsView() {
  return (
    <>
      <div className="page-head">
        <h1>Rewards</h1>
        <p>What your copies earned when others bought through them.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect your wallet to see and claim your rewards.">
          <ConnectedRewards />
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
