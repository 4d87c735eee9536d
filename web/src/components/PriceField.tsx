"use client";

import type { Currency } from "@superdist/contracts";
import { type ReactNode, useId } from "react";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { CurrencyField } from "./CurrencyField.tsx";
import { FieldError } from "./RoyaltyField.tsx";

/** A price and its currency (ETH, the deployment's token, or any ERC-20 by address), as publishing and repricing ask. */
export function PriceField({
  price,
  onPrice,
  choice,
  onChoice,
  customToken,
  onCustomToken,
  currency,
  currencyInvalid,
  problem,
}: {
  price: string;
  onPrice(price: string): void;
  choice: string;
  onChoice(choice: string): void;
  customToken: string;
  onCustomToken(address: string): void;
  currency: Currency | undefined;
  currencyInvalid: boolean;
  problem: string | undefined;
}): ReactNode {
  const id = useId();
  const { demoToken } = useRuntimeConfig();
  return (
    <div className="field inline-fields">
      <div>
        <label htmlFor={id}>Price</label>
        <input
          id={id}
          inputMode="decimal"
          value={price}
          onChange={(event) => onPrice(event.target.value)}
          aria-invalid={problem !== undefined}
        />
        <FieldError problem={problem} />
      </div>
      <CurrencyField
        choice={choice}
        onChoice={onChoice}
        customToken={customToken}
        onCustomToken={onCustomToken}
        demoToken={demoToken}
        currency={currency}
        invalid={currencyInvalid}
      />
    </div>
  );
}
