"use client";

import { getLineage } from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useMarket } from "./useMarket.ts";

/** The referrer named in the link, checked against the chain: a license of this very content. */
export function useReferrer(contentId: bigint, tokenId: bigint) {
  const { client, market, chainId } = useMarket();
  return useQuery({
    queryKey: ["referrer", chainId, market, contentId.toString(), tokenId.toString()],
    enabled: market !== null && tokenId !== 0n,
    queryFn: async () => {
      try {
        const { license } = await getLineage(client, { market: market as Address, tokenId });
        return license.contentId === contentId
          ? { valid: true as const, owner: license.owner }
          : { valid: false as const };
      } catch {
        return { valid: false as const };
      }
    },
  });
}
