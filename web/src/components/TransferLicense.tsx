"use client";

import { superdistMarketAbi } from "@superdist/contracts";
import { type FormEvent, useId, useState } from "react";
import { type Address, isAddress, isAddressEqual } from "viem";
import { useMarket } from "../hooks/useMarket.ts";
import { useTransactor } from "../hooks/useTransactor.ts";
import { CheckboxField } from "./RoyaltyField.tsx";
import { TxStatus } from "./TxStatus.tsx";

/** Gives a transferable license to another address, once its owner has read what moves with it. */
export function TransferLicense({ owner, tokenId }: { owner: Address; tokenId: bigint }) {
  const ids = useId();
  const { market } = useMarket();
  const tx = useTransactor();
  const [to, setTo] = useState("");
  const [sure, setSure] = useState(false);
  const target = to.trim();
  const problem =
    target === ""
      ? undefined
      : !isAddress(target)
        ? "Enter an address: 0x followed by 40 hexadecimal characters."
        : isAddressEqual(target, owner)
          ? "That is your own address."
          : undefined;
  const ready = target !== "" && problem === undefined && sure && !tx.busy;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    void tx.write({
      address: market as Address,
      abi: superdistMarketAbi,
      functionName: "transferFrom",
      args: [owner, target as Address, tokenId],
    });
  };
  return (
    <details className="transfer">
      <summary>Transfer this license</summary>
      <form onSubmit={submit} aria-label={`Transfer license #${tokenId}`}>
        <p className="notice">
          The license's future rewards move with it: from then on, sales through copies of license #
          {tokenId.toString()} pay its new owner, not you. What you have earned so far stays yours to claim.
        </p>
        <div className="field">
          <label htmlFor={`${ids}-to`}>New owner</label>
          <input
            id={`${ids}-to`}
            value={to}
            spellCheck={false}
            placeholder="0x…"
            onChange={(event) => setTo(event.target.value)}
            aria-invalid={problem !== undefined}
          />
          {problem ? (
            <p className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
        </div>
        <CheckboxField checked={sure} onChange={setSure}>
          I understand that its future rewards go to the new owner
        </CheckboxField>
        <div className="actions">
          <button type="submit" className="button small" disabled={!ready}>
            Transfer license #{tokenId.toString()}
          </button>
        </div>
        <TxStatus state={tx.state} label="Transfer" />
      </form>
    </details>
  );
}
