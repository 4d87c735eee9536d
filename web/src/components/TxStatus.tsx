"use client";

import type { Hash } from "viem";
import { useChains } from "wagmi";
import type { SignState, TxState } from "../hooks/useTransactor.ts";

function TxHash({ hash }: { hash: Hash }) {
  const [chain] = useChains();
  const explorer = chain.blockExplorers?.default.url;
  const text = <code className="hash">{hash}</code>;
  return explorer ? (
    <a href={`${explorer}/tx/${hash}`} target="_blank" rel="noreferrer">
      {text}
    </a>
  ) : (
    text
  );
}

const stageWords = {
  switching: "Asking your wallet to switch network…",
  simulating: "Checking the transaction…",
  signing: "Waiting for your signature in the wallet…",
  pending: "Pending: waiting for the network to include it.",
  confirmed: "Confirmed.",
  signed: "Signed.",
} as const;

/** One write's progress; `label` names the step (e.g. "Approve", "Buy") when a flow has several. */
export function TxStatus({ state, label }: { state: TxState | SignState; label?: string }) {
  if (state.stage === "idle") return null;
  const failed = state.stage === "failed";
  return (
    <div
      className={`tx-status ${failed ? "error" : state.stage === "confirmed" || state.stage === "signed" ? "success" : "progress"}`}
      role={failed ? "alert" : "status"}
      data-testid="tx-status"
      data-stage={state.stage}
    >
      <p>
        {label ? <strong>{label}: </strong> : null}
        {failed ? state.error.message : stageWords[state.stage]}
      </p>
      {"hash" in state && state.hash ? (
        <p className="tx-hash">
          Transaction <TxHash hash={state.hash} />
        </p>
      ) : null}
    </div>
  );
}
