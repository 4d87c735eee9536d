"use client";

import { ETH, superdistMarketAbi } from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import { type Address, erc20Abi, isAddressEqual } from "viem";
import { estimateContractGas, estimateFeesPerGas, getBalance, readContract } from "viem/actions";
import type { ContentEntry } from "./useMarket.ts";
import { useMarket } from "./useMarket.ts";

/** What the account holds of the content's currency (and of ETH, for the fee), and what the purchase costs in fees. */
export type PurchaseCosts = {
  balance: bigint;
  ethBalance: bigint;
  /** The network fee of the purchase at today's fees; undefined where it can't be estimated before an approval. */
  fee?: bigint;
  /** Whether the balance covers the price (and, in ETH, the fee as well). */
  enough: boolean;
  /** Paid in ETH, so that the balance is the ETH balance and the fee comes out of it too. */
  inEth: boolean;
};

export function usePurchaseCosts(entry: ContentEntry, referrerTokenId: bigint, payer: Address | undefined) {
  const { client, market, chainId } = useMarket();
  const { content, contentId } = entry;
  const inEth = isAddressEqual(content.currency, ETH);
  return useQuery({
    queryKey: [
      "purchase-costs",
      chainId,
      market,
      contentId.toString(),
      referrerTokenId.toString(),
      payer,
      content.price.toString(),
    ],
    enabled: payer !== undefined && market !== null,
    refetchInterval: 15_000,
    queryFn: async (): Promise<PurchaseCosts> => {
      const account = payer as Address;
      const [ethBalance, tokenBalance, fees, gas] = await Promise.all([
        getBalance(client, { address: account }),
        inEth
          ? undefined
          : readContract(client, {
              address: content.currency,
              abi: erc20Abi,
              functionName: "balanceOf",
              args: [account],
            }),
        estimateFeesPerGas(client).catch(() => undefined),
        // A token purchase needs its allowance or permit first, so only an ETH purchase is estimated as sent.
        inEth
          ? estimateContractGas(client, {
              address: market as Address,
              abi: superdistMarketAbi,
              functionName: "purchase",
              args: [contentId, referrerTokenId, account, content.currency, content.price],
              value: content.price,
              account,
            }).catch(() => undefined)
          : undefined,
      ]);
      const fee = gas !== undefined && fees?.maxFeePerGas !== undefined ? gas * fees.maxFeePerGas : undefined;
      const balance = tokenBalance ?? ethBalance;
      const enough = inEth ? ethBalance >= content.price + (fee ?? 0n) : balance >= content.price;
      return { balance, ethBalance, fee, enough, inEth };
    },
  });
}
