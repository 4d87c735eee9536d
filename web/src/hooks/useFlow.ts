"use client";

import type { OnStage, Operation, ReadClient, SignerClient, Stage } from "@superdist/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { useConfig } from "wagmi";
import { getConnectorClient } from "wagmi/actions";
import { type DescribeOptions, describeError } from "../lib/txErrors.ts";
import { useMarket } from "./useMarket.ts";
import type { VerifierState } from "./useRekey.ts";
import { connectedOnChain, notConnected, type SignState, type TxState } from "./useTransactor.ts";

export type Progress = { done: number; total: number | undefined };

/** Where each step of a flow stands, for `TxStatus`, `VerifierStatus` and the progress bar. */
export type FlowStates = {
  wallet?: TxState;
  permit?: SignState;
  approval?: TxState;
  purchase?: TxState;
  publish?: TxState;
  "rekey-signature"?: SignState;
  verifier?: VerifierState;
  encrypt?: Progress;
  /** Hashing the encrypted copy into the torrent its metadata names. */
  torrent?: Progress;
  /** The metadata pointed at the copy again, when publishing renumbered it. */
  metadata?: TxState;
  confirmations?: { seen: number; needed: number };
};

function stateOf(stage: Stage): FlowStates[keyof FlowStates] {
  switch (stage.status) {
    case "progress":
      return { done: stage.done, total: stage.total };
    case "waiting":
      return { seen: stage.seen, needed: stage.needed };
    case "asking":
      return { stage: "asking" };
    case "done":
      return stage.operation === "verifier" ? { stage: "done" } : undefined;
    case "pending":
      return { stage: "pending", hash: stage.hash };
    case "confirmed":
      return { stage: "confirmed", hash: stage.hash, receipt: stage.receipt };
    default:
      return { stage: stage.status };
  }
}

/** Where a failure is shown: beside the step it happened in, or the transaction that step belongs to. */
const FAILED_AT = {
  wallet: "wallet",
  permit: "permit",
  approval: "approval",
  purchase: "purchase",
  confirmations: "purchase",
  publish: "publish",
  encrypt: "publish",
  torrent: "publish",
  metadata: "publish",
  "rekey-signature": "rekey-signature",
  verifier: "verifier",
  fetch: "wallet",
} as const satisfies Record<Operation | "wallet", keyof FlowStates>;

export type FlowContext = { signer: SignerClient; publicClient: ReadClient; onStage: OnStage };

/**
 * Runs one of the SDK's flows with the connected wallet: moves the wallet to this deployment's chain first, shows
 * each stage the flow reports, and on failure marks the step it was in with the reason in words. Resolves to the
 * flow's result, or `undefined` when it failed; nothing else is left changed.
 */
export function useFlow(options: DescribeOptions = {}) {
  const config = useConfig();
  const queryClient = useQueryClient();
  const { client: publicClient } = useMarket();
  const [states, setStates] = useState<FlowStates>({});
  const [running, setRunning] = useState(false);
  const { formatAmount } = options;
  const current = useRef<Operation | "wallet">("wallet");

  const run = useCallback(
    async <T>(flow: (context: FlowContext) => Promise<T>): Promise<T | undefined> => {
      setStates({});
      setRunning(true);
      current.current = "wallet";
      const onStage: OnStage = (stage) => {
        current.current = stage.operation;
        setStates((old) => ({ ...old, [stage.operation]: stateOf(stage) }));
      };
      try {
        const connected = await connectedOnChain(config, () => setStates({ wallet: { stage: "switching" } }));
        if (!connected) {
          setStates({ wallet: { stage: "failed", error: notConnected } });
          return undefined;
        }
        setStates({});
        const signer = await getConnectorClient(config, { chainId: connected.chainId });
        const result = await flow({ signer, publicClient, onStage });
        await queryClient.invalidateQueries();
        return result;
      } catch (error) {
        const failed = { stage: "failed" as const, error: describeError(error, { formatAmount }) };
        const at = FAILED_AT[current.current as Operation | "wallet"];
        setStates((old) => {
          const previous = old[at];
          const hash = previous && "hash" in previous ? previous.hash : undefined;
          return { ...old, encrypt: undefined, [at]: hash ? { ...failed, hash } : failed };
        });
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [config, publicClient, queryClient, formatAmount],
  );

  const reset = useCallback(() => setStates({}), []);
  return { states, run, running, reset };
}
