"use client";

import { type Currency, ETH } from "@superdist/contracts";
import { useId } from "react";
import type { Address } from "viem";

/** ETH, this deployment's demo token, or any ERC-20 by address. */
export function CurrencyField({
  choice,
  onChoice,
  customToken,
  onCustomToken,
  demoToken,
  currency,
  invalid,
}: {
  choice: string;
  onChoice: (choice: string) => void;
  customToken: string;
  onCustomToken: (address: string) => void;
  demoToken: Address | null;
  currency: Currency | undefined;
  invalid: boolean;
}) {
  const id = useId();
  return (
    <>
      <div>
        <label htmlFor={`${id}-currency`}>Currency</label>
        <select id={`${id}-currency`} value={choice} onChange={(e) => onChoice(e.target.value)}>
          <option value={ETH}>ETH</option>
          {demoToken ? <option value={demoToken}>Demo token</option> : null}
          <option value="custom">Another ERC-20…</option>
        </select>
      </div>
      {choice === "custom" ? (
        <div className="field">
          <label htmlFor={`${id}-token`}>Token address</label>
          <input
            id={`${id}-token`}
            value={customToken}
            placeholder="0x…"
            onChange={(e) => onCustomToken(e.target.value)}
          />
        </div>
      ) : null}
      {invalid ? <p className="field-hint error-text">That address is not an ERC-20 token here.</p> : null}
      {currency && currency.address !== ETH ? (
        <p className="field-hint">
          Priced in {currency.symbol} ({currency.decimals} decimals).
        </p>
      ) : null}
    </>
  );
}
