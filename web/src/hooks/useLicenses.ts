"use client";

import { getOwnedLicenses, type OwnedLicense } from "@superdist/contracts";
import { getAccountLicenses } from "@superdist/indexer/client";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { type ListResult, useIndexedQuery } from "./useIndex.ts";
import { useMarket } from "./useMarket.ts";

const newestFirst = (a: OwnedLicense, b: OwnedLicense) => (a.tokenId < b.tokenId ? 1 : -1);

/** The connected account's licenses, newest first. */
export function useMyLicenses(): ListResult<OwnedLicense[]> {
  const { client, fromBlock } = useMarket();
  const { address } = useConnection();
  return useIndexedQuery({
    key: ["licenses", address],
    enabled: address !== undefined,
    fromIndex: async (indexer) =>
      (await getAccountLicenses(indexer, { account: address as Address })).sort(newestFirst),
    fromLogs: async (market) =>
      (await getOwnedLicenses(client, { market, account: address as Address, fromBlock })).sort(newestFirst),
  });
}
