"use client";

import { type Currency, getAccountActivity, getCurrency } from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useMarket } from "./useMarket.ts";

/** An account's rewards: what it may claim, its licenses with their descendants, its credits. */
export function useActivity(account: Address) {
  const { client, market, chainId, fromBlock } = useMarket();
  return useQuery({
    queryKey: ["activity", chainId, market, account],
    enabled: market !== null,
    queryFn: async () => {
      const activity = await getAccountActivity(client, { market: market as Address, account, fromBlock });
      const known = await Promise.all(
        activity.claimable.map(({ currency }) => getCurrency(client, currency)),
      );
      const currencies = new Map<string, Currency>(
        known.map((currency) => [currency.address.toLowerCase(), currency]),
      );
      return { ...activity, currencies };
    },
  });
}
