"use client";

import { getOwnedLicenses } from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { useMarket } from "./useMarket.ts";

/** The connected account's licenses, newest first. */
export function useMyLicenses() {
  const { client, market, chainId, fromBlock } = useMarket();
  const { address } = useConnection();
  return useQuery({
    queryKey: ["licenses", chainId, market, address],
    enabled: market !== null && address !== undefined,
    queryFn: async () =>
      (
        await getOwnedLicenses(client, { market: market as Address, account: address as Address, fromBlock })
      ).sort((a, b) => (a.tokenId < b.tokenId ? 1 : -1)),
  });
}
