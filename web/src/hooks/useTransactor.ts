"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import type { Abi, ContractFunctionName, ContractFunctionParameters, Hash, TransactionReceipt } from "viem";
import type { Config } from "wagmi";
import { useConfig } from "wagmi";
import {
  getConnection,
  type SignTypedDataParameters,
  signTypedData,
  simulateContract,
  switchChain,
  waitForTransactionReceipt,
  writeContract,
} from "wagmi/actions";
import { type DescribeOptions, describeError, type ErrorDescription } from "../lib/txErrors.ts";

/** Where a write stands; every stage is shown to the user, and the hash as soon as there is one. */
export type TxState =
  | { stage: "idle" }
  | { stage: "switching" }
  | { stage: "simulating" }
  | { stage: "signing" }
  | { stage: "pending"; hash: Hash }
  | { stage: "confirmed"; hash: Hash; receipt: TransactionReceipt }
  | { stage: "failed"; error: ErrorDescription; hash?: Hash };

/** Where a signature request stands. */
export type SignState =
  | { stage: "idle" }
  | { stage: "switching" }
  | { stage: "signing" }
  | { stage: "signed" }
  | { stage: "failed"; error: ErrorDescription };

type Mutability = "nonpayable" | "payable";

export const notConnected: ErrorDescription = { code: "not-connected", message: "Connect a wallet first." };

/**
 * The connected account, with the wallet moved to this deployment's chain first if it is elsewhere: a
 * signature or transaction for another chain would be refused or, worse, valid there.
 */
export async function connectedOnChain(config: Config, onSwitch: () => void) {
  const connection = getConnection(config);
  if (connection.status !== "connected") return undefined;
  const chainId = config.chains[0].id;
  if (connection.chainId !== chainId) {
    onSwitch();
    await switchChain(config, { chainId });
  }
  return { account: connection.address, chainId };
}

export type WriteRequest<
  abi extends Abi = Abi,
  functionName extends ContractFunctionName<abi, Mutability> = ContractFunctionName<abi, Mutability>,
> = ContractFunctionParameters<abi, Mutability, functionName> & { value?: bigint };

type SimulateParameters = Parameters<typeof simulateContract>[1];

/**
 * A contract write that guards the network, simulates first (so a revert is explained before anything is
 * signed), sends, waits for the receipt and reports each stage. Resolves to the receipt, or `undefined` when it
 * failed; the failure is in `state`, in words.
 */
export function useTransactor(options: DescribeOptions = {}) {
  const config = useConfig();
  const queryClient = useQueryClient();
  const [state, setState] = useState<TxState>({ stage: "idle" });
  const { formatAmount } = options;

  const write = useCallback(
    async <const abi extends Abi, functionName extends ContractFunctionName<abi, Mutability>>(
      request: WriteRequest<abi, functionName>,
    ): Promise<TransactionReceipt | undefined> => {
      let hash: Hash | undefined;
      try {
        const connected = await connectedOnChain(config, () => setState({ stage: "switching" }));
        if (!connected) {
          setState({ stage: "failed", error: notConnected });
          return undefined;
        }
        const { account, chainId } = connected;
        setState({ stage: "simulating" });
        const simulation = await simulateContract(config, {
          ...request,
          account,
          chainId,
        } as unknown as SimulateParameters);
        setState({ stage: "signing" });
        hash = await writeContract(config, simulation.request);
        setState({ stage: "pending", hash });
        const receipt = await waitForTransactionReceipt(config, { hash, chainId });
        if (receipt.status === "reverted") {
          setState({
            stage: "failed",
            hash,
            error: {
              code: "reverted",
              message: "The transaction was included but reverted; nothing changed.",
            },
          });
          return undefined;
        }
        setState({ stage: "confirmed", hash, receipt });
        await queryClient.invalidateQueries();
        return receipt;
      } catch (error) {
        setState({ stage: "failed", hash, error: describeError(error, { formatAmount }) });
        return undefined;
      }
    },
    [config, queryClient, formatAmount],
  );

  const reset = useCallback(() => setState({ stage: "idle" }), []);
  const busy =
    state.stage === "switching" ||
    state.stage === "simulating" ||
    state.stage === "signing" ||
    state.stage === "pending";
  return { state, write, reset, busy };
}

/** An EIP-712 signature with the same network guard and stages as a write; resolves to undefined on failure. */
export function useSigner() {
  const config = useConfig();
  const [state, setState] = useState<SignState>({ stage: "idle" });
  const sign = useCallback(
    async (typedData: Omit<SignTypedDataParameters, "account" | "connector">) => {
      try {
        const connected = await connectedOnChain(config, () => setState({ stage: "switching" }));
        if (!connected) {
          setState({ stage: "failed", error: notConnected });
          return undefined;
        }
        setState({ stage: "signing" });
        const signature = await signTypedData(config, {
          ...typedData,
          account: connected.account,
        } as SignTypedDataParameters);
        setState({ stage: "signed" });
        return signature;
      } catch (error) {
        setState({ stage: "failed", error: describeError(error) });
        return undefined;
      }
    },
    [config],
  );
  const reset = useCallback(() => setState({ stage: "idle" }), []);
  return { state, sign, reset, busy: state.stage === "switching" || state.stage === "signing" };
}
