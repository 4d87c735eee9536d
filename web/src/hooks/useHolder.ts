"use client";

import { getLineage } from "@superdist/contracts";
import type { PackageHeader } from "@superdist/package";
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { type ContentEntry, useMarket } from "./useMarket.ts";

/** Who holds a copy: the owner of its license, or the publisher for the publisher's own copy. */
export function useHolder(header: PackageHeader | undefined, entry: ContentEntry | undefined) {
  const { client, market, chainId } = useMarket();
  const tokenId = header?.lineage.holderTokenId;
  return useQuery({
    queryKey: ["holder", chainId, market, tokenId?.toString(), entry?.content.publisher],
    enabled: tokenId !== undefined && entry !== undefined,
    queryFn: async (): Promise<Address> => {
      if (tokenId === 0n) return (entry as ContentEntry).content.publisher;
      return (await getLineage(client, { market: market as Address, tokenId: tokenId as bigint })).license
        .owner;
    },
  });
}
