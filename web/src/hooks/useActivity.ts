"use client";

import {
  type Currency,
  ETH,
  type GetAccountActivityReturnType,
  getAccountActivity,
  getCurrency,
  superdistMarketAbi,
} from "@superdist/contracts";
import { getAccountActivity as getIndexedActivity } from "@superdist/indexer/client";
import { useQuery } from "@tanstack/react-query";
import type { Address, Hash, PublicClient } from "viem";
import { readContract } from "viem/actions";
import { type ListResult, useIndexedQuery } from "./useIndex.ts";
import { useMarket } from "./useMarket.ts";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

/** A row of the rewards history; `timestamp` where the index has it, the log scan giving blocks only. */
export type HistoryEvent = { blockNumber: bigint; transactionHash: Hash; timestamp?: bigint };

export type Activity = Omit<GetAccountActivityReturnType, "claimable" | "credits" | "claims"> & {
  credits: (GetAccountActivityReturnType["credits"][number] & HistoryEvent)[];
  claims: (GetAccountActivityReturnType["claims"][number] & HistoryEvent)[];
  /** Every currency the market has used, the account's or not: what a claim may be due in. */
  currencyList: Address[];
};

/** An account's referral trees and its history of credits and claims: from the index, or the market's logs. */
export function useActivity(account: Address): ListResult<Activity> {
  const { client, fromBlock } = useMarket();
  return useIndexedQuery({
    key: ["activity", account],
    fromIndex: async (indexer) => {
      const { claimable, ...activity } = await getIndexedActivity(indexer, { account });
      return { ...activity, currencyList: claimable.map(({ currency }) => currency) };
    },
    fromLogs: async (market) => {
      const { claimable, ...activity } = await getAccountActivity(client, { market, account, fromBlock });
      return { ...activity, currencyList: claimable.map(({ currency }) => currency) };
    },
  });
}

async function currencyMap(client: PublicClient, addresses: Address[]): Promise<Map<string, Currency>> {
  const known = await Promise.all(addresses.map((address) => getCurrency(client, address)));
  return new Map(known.map((currency) => [currency.address.toLowerCase(), currency]));
}

/**
 * What the market owes `account` now, read on chain: a claim is decided on it, so it never comes from an index.
 * ETH and the deployment's token are always asked for, so that a claim works while the index is down.
 */
export function useClaimable(account: Address, known: readonly Address[] | undefined) {
  const { client, market, chainId } = useMarket();
  const { demoToken } = useRuntimeConfig();
  const currencies = [
    ...new Set([ETH, ...(demoToken ? [demoToken] : []), ...(known ?? [])].map((c) => c.toLowerCase())),
  ] as Address[];
  return useQuery({
    queryKey: ["claimable", chainId, market, account, currencies.join(",")],
    enabled: market !== null,
    queryFn: async () => {
      const amounts = await Promise.all(
        currencies.map((currency) =>
          readContract(client, {
            address: market as Address,
            abi: superdistMarketAbi,
            functionName: "claimable",
            args: [account, currency],
          }),
        ),
      );
      return {
        owed: currencies
          .map((currency, i) => ({ currency, amount: amounts[i] }))
          .filter(({ amount }) => amount > 0n),
        currencies: await currencyMap(client, currencies),
      };
    },
  });
}

/** Symbol and decimals of each currency a list names, read once. */
export function useCurrencies(addresses: readonly Address[] | undefined) {
  const { client, chainId } = useMarket();
  const list = [...new Set((addresses ?? []).map((address) => address.toLowerCase()))].sort() as Address[];
  return useQuery({
    queryKey: ["currencies", chainId, list.join(",")],
    enabled: addresses !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => currencyMap(client, list),
  });
}
