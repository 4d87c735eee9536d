"use client";

import {
  createIndexerClient,
  type GetIndexStatusReturnType,
  getIndexStatus,
  type IndexerClient,
  IndexerError,
} from "@superdist/indexer/client";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import type { Address } from "viem";
import { useMarket } from "./useMarket.ts";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

/** How often a page asks where the index stands: also how soon a list follows a new sale. */
const STATUS_INTERVAL_MS = 2_000;
/** A local node mines a block per transaction, so an index one or two blocks short is only polling. */
const TOLERANCE_BLOCKS = 2n;

/** The deployment's indexer, or null where none is configured (lists then scan the market's logs). */
export function useIndexer(): IndexerClient | null {
  const { indexerUrl } = useRuntimeConfig();
  return useMemo(() => (indexerUrl ? createIndexerClient({ url: indexerUrl }) : null), [indexerUrl]);
}

/** Where the index stands against the chain this page reads; polled while a page is open. */
export function useIndexStatus() {
  const indexer = useIndexer();
  const { client, market, chainId } = useMarket();
  return useQuery({
    queryKey: ["index-status", indexer?.url, chainId, market],
    enabled: indexer !== null,
    refetchInterval: STATUS_INTERVAL_MS,
    retry: false,
    queryFn: (): Promise<GetIndexStatusReturnType> =>
      getIndexStatus(indexer as IndexerClient, {
        client,
        market: market ?? undefined,
        toleranceBlocks: TOLERANCE_BLOCKS,
      }),
  });
}

/** A list as a view shows it: loading, failed (with why), or its rows; never rows the index can't vouch for. */
export type ListResult<T> = (
  | { isPending: true; isError: false; error: null; data: undefined }
  | { isPending: false; isError: true; error: Error; data: undefined }
  | { isPending: false; isError: false; error: null; data: T }
) & { refetch(): void };

export type IndexedQueryOptions<T> = {
  key: readonly unknown[];
  enabled?: boolean;
  fromIndex(indexer: IndexerClient, market: Address): Promise<T>;
  /** Without an indexer: the same rows from the market's logs. */
  fromLogs(market: Address): Promise<T>;
};

/**
 * Reads a list from the index while it is an index of this chain and market, again whenever it indexes a new
 * block (the rows shown meanwhile are of the same list: another account's key starts empty); without an indexer,
 * from the logs. An index that is down or holds another chain gives an error, not the
 * rows it had.
 */
export function useIndexedQuery<T>({
  key,
  enabled = true,
  fromIndex,
  fromLogs,
}: IndexedQueryOptions<T>): ListResult<T> {
  const indexer = useIndexer();
  const { market, chainId } = useMarket();
  const status = useIndexStatus();
  const data = status.data;
  const usable = data?.state === "behind" || data?.state === "caught-up";
  const indexedBlock =
    data?.state === "behind" || data?.state === "caught-up" ? data.indexedBlock : undefined;
  const query = useQuery({
    queryKey: [...key, chainId, market, indexer ? "index" : "logs"],
    enabled: enabled && market !== null && (indexer === null || usable),
    queryFn: () => (indexer ? fromIndex(indexer, market as Address) : fromLogs(market as Address)),
  });
  // Read again when the index reaches a new block; a read still under way is left to finish, not started anew,
  // so that a slow index in its backfill is not asked the same question every poll.
  const { refetch: refetchQuery } = query;
  useEffect(() => {
    if (indexedBlock !== undefined && enabled) void refetchQuery({ cancelRefetch: false });
  }, [indexedBlock, enabled, refetchQuery]);
  const refetch = () => {
    if (indexer) void status.refetch();
    void query.refetch();
  };
  if (indexer && !usable) {
    if (status.isPending) return { isPending: true, isError: false, error: null, data: undefined, refetch };
    const error =
      status.data && "error" in status.data
        ? status.data.error
        : (status.error ?? new IndexerError("INDEXER_UNAVAILABLE", "The index is unavailable."));
    return { isPending: false, isError: true, error, data: undefined, refetch };
  }
  if (query.isError) return { isPending: false, isError: true, error: query.error, data: undefined, refetch };
  if (query.data === undefined)
    return { isPending: true, isError: false, error: null, data: undefined, refetch };
  return { isPending: false, isError: false, error: null, data: query.data, refetch };
}
