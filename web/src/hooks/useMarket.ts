"use client";

import {
  type ContentMetadata,
  type Currency,
  decodeMetadata,
  type GetContentReturnType,
  getContent,
  getCurrency,
  superdistMarketAbi,
} from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import type { Address, PublicClient } from "viem";
import { getContractEvents } from "viem/actions";
import { useChains, usePublicClient } from "wagmi";
import { useRuntimeConfig } from "./useRuntimeConfig.ts";

/** The market of this deployment and a client of its chain; `market` is null where none is deployed. */
export function useMarket() {
  const runtime = useRuntimeConfig();
  const [chain] = useChains();
  const client = usePublicClient({ chainId: chain.id }) as PublicClient;
  return {
    client,
    chain,
    chainId: chain.id,
    market: runtime.market,
    fromBlock: BigInt(runtime.deployBlock),
    verifierUrls: runtime.verifierUrls,
  };
}

/** A content as the catalog shows it: its current terms on chain, its currency and how many licenses sold. */
export type CatalogEntry = {
  contentId: bigint;
  content: GetContentReturnType;
  currency: Currency;
  metadata: ContentMetadata;
  sold: number;
};

const currencies = new Map<string, Promise<Currency>>();

/** Currencies never change their symbol or decimals, so each is read once per page life. */
function currencyOf(client: PublicClient, address: Address): Promise<Currency> {
  const key = `${client.chain?.id}:${address.toLowerCase()}`;
  let pending = currencies.get(key);
  if (!pending) {
    pending = getCurrency(client, address);
    pending.catch(() => currencies.delete(key));
    currencies.set(key, pending);
  }
  return pending;
}

async function readEntries(
  client: PublicClient,
  market: Address,
  fromBlock: bigint,
  contentIds?: readonly bigint[],
): Promise<CatalogEntry[]> {
  const base = { address: market, abi: superdistMarketAbi, fromBlock, strict: true } as const;
  const [published, purchased] = await Promise.all([
    contentIds ? undefined : getContractEvents(client, { ...base, eventName: "ContentPublished" }),
    getContractEvents(client, {
      ...base,
      eventName: "LicensePurchased",
      args: contentIds ? { contentId: [...contentIds] } : undefined,
    }),
  ]);
  const ids = contentIds ?? (published ?? []).map((event) => event.args.contentId);
  const sold = new Map<bigint, number>();
  for (const event of purchased) sold.set(event.args.contentId, (sold.get(event.args.contentId) ?? 0) + 1);
  const contents = await Promise.all(ids.map((contentId) => getContent(client, { market, contentId })));
  return Promise.all(
    contents.map(async (content, index) => ({
      contentId: ids[index],
      content,
      currency: await currencyOf(client, content.currency),
      metadata: decodeMetadata(content.metadataURI),
      sold: sold.get(ids[index]) ?? 0,
    })),
  );
}

/** Every published content, newest first, rebuilt from the market's events. */
export function useCatalog() {
  const { client, market, fromBlock, chainId } = useMarket();
  return useQuery({
    queryKey: ["catalog", chainId, market],
    enabled: market !== null,
    queryFn: async () => (await readEntries(client, market as Address, fromBlock)).reverse(),
  });
}

/** One content; the query errors with the market's ContentNotFound for an unknown id. */
export function useCatalogEntry(contentId: bigint | undefined) {
  const { client, market, fromBlock, chainId } = useMarket();
  return useQuery({
    queryKey: ["content", chainId, market, contentId?.toString()],
    enabled: market !== null && contentId !== undefined,
    queryFn: async () => {
      const [entry] = await readEntries(client, market as Address, fromBlock, [contentId as bigint]);
      return entry;
    },
  });
}
