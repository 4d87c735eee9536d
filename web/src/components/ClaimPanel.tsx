"use client";

import { type Currency, superdistMarketAbi } from "@superdist/contracts";
import type { ReactNode } from "react";
import type { Address } from "viem";
import { useClaimable } from "../hooks/useActivity.ts";
import { useMarket } from "../hooks/useMarket.ts";
import { useTransactor } from "../hooks/useTransactor.ts";
import { formatAmount } from "../lib/format.ts";
import { describeError } from "../lib/txErrors.ts";
import { TxStatus } from "./TxStatus.tsx";

export function amountIn(
  currencies: ReadonlyMap<string, Currency>,
  currency: Address,
  amount: bigint,
): string {
  const known = currencies.get(currency.toLowerCase());
  return known ? formatAmount(amount, known.decimals, known.symbol, 6) : amount.toString();
}

/** What the account may claim, read on chain, and the claim: neither waits on the index. */
export function ClaimPanel({ account, known }: { account: Address; known: readonly Address[] | undefined }) {
  const { market } = useMarket();
  const claimable = useClaimable(account, known);
  const claim = useTransactor();
  let body: ReactNode;
  if (claimable.isPending) body = <p className="muted">Reading what you may claim…</p>;
  else if (claimable.isError) {
    body = (
      <p className="notice danger" role="alert">
        {describeError(claimable.error).message}
      </p>
    );
  } else if (claimable.data.owed.length === 0) {
    body = (
      <p className="muted" data-testid="nothing-to-claim">
        Nothing to claim right now.
      </p>
    );
  } else {
    const { owed, currencies } = claimable.data;
    body = (
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
    );
  }
  return (
    <section className="panel" aria-labelledby="claimable-heading">
      <h2 id="claimable-heading">Claimable</h2>
      {body}
      <TxStatus state={claim.state} label="Claim" />
    </section>
  );
}
