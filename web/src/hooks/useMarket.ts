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
import { getCatalog, getContentSales } from "@superdist/indexer/client";
import { useQuery } from "@tanstack/react-query";
import type { Address, PublicClient } from "viem";
import { getContractEvents } from "viem/actions";
import { useChains, usePublicClient } from "wagmi";
import { type ListResult, useIndexedQuery } from "./useIndex.ts";
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
  publishedBlock: bigint;
};

/** A content as its page shows it: the catalog's entry less what only an index or a log scan counts. */
export type ContentEntry = Omit<CatalogEntry, "sold" | "publishedBlock">;

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

async function withCurrency(
  client: PublicClient,
  entry: Omit<CatalogEntry, "currency">,
): Promise<CatalogEntry> {
  return { ...entry, currency: await currencyOf(client, entry.content.currency) };
}

/** The log scan, for a deployment without an indexer: every content's current terms and its sales, counted. */
async function scanCatalog(
  client: PublicClient,
  market: Address,
  fromBlock: bigint,
): Promise<CatalogEntry[]> {
  const base = { address: market, abi: superdistMarketAbi, fromBlock, strict: true } as const;
  const [published, purchased] = await Promise.all([
    getContractEvents(client, { ...base, eventName: "ContentPublished" }),
    getContractEvents(client, { ...base, eventName: "LicensePurchased" }),
  ]);
  const sold = new Map<bigint, number>();
  for (const event of purchased) sold.set(event.args.contentId, (sold.get(event.args.contentId) ?? 0) + 1);
  const entries = await Promise.all(
    published.map(async (event) => {
      const contentId = event.args.contentId;
      const content = await getContent(client, { market, contentId });
      return withCurrency(client, {
        contentId,
        content,
        metadata: decodeMetadata(content.metadataURI),
        sold: sold.get(contentId) ?? 0,
        publishedBlock: event.blockNumber,
      });
    }),
  );
  return entries.reverse();
}

/** Every published content, newest first: from the index, or from the market's logs where there is none. */
export function useCatalog(): ListResult<CatalogEntry[]> {
  const { client, fromBlock } = useMarket();
  return useIndexedQuery({
    key: ["catalog"],
    fromIndex: async (indexer) => {
      const rows = await getCatalog(indexer, { limit: 1000 });
      return Promise.all(
        rows.map((row) =>
          withCurrency(client, {
            contentId: row.contentId,
            content: row.content,
            metadata: row.metadata,
            sold: row.sold,
            publishedBlock: row.published.blockNumber,
          }),
        ),
      );
    },
    fromLogs: (market) => scanCatalog(client, market, fromBlock),
  });
}

/**
 * One content, read on chain: its terms are what a buyer agrees to, so they never come from an index. The query
 * errors with the market's ContentNotFound for an unknown id.
 */
export function useCatalogEntry(contentId: bigint | undefined) {
  const { client, market, chainId } = useMarket();
  return useQuery({
    queryKey: ["content", chainId, market, contentId?.toString()],
    enabled: market !== null && contentId !== undefined,
    queryFn: async () => {
      const content = await getContent(client, { market: market as Address, contentId: contentId as bigint });
      return {
        contentId: contentId as bigint,
        content,
        currency: await currencyOf(client, content.currency),
        metadata: decodeMetadata(content.metadataURI),
      };
    },
  });
}

/** The log scan of one content's sales, for a deployment without an indexer. */
export async function scanSales(client: PublicClient, market: Address, contentId: bigint, fromBlock: bigint) {
  const events = await getContractEvents(client, {
    address: market,
    abi: superdistMarketAbi,
    eventName: "LicensePurchased",
    args: { contentId },
    fromBlock,
    strict: true,
  });
  return events.map(({ args }) => ({
    tokenId: args.tokenId,
    parent: args.parent,
    owner: args.recipient,
    currency: args.currency,
    price: args.price,
    payoutAmount: args.payoutAmount,
  }));
}

export type ContentSales = { sold: number; holders?: number };

/** How many licenses of one content sold, and how many accounts hold them: from the index, or the logs. */
export function useContentSales(contentId: bigint): ListResult<ContentSales> {
  const { client, fromBlock } = useMarket();
  return useIndexedQuery({
    key: ["content-sales", contentId.toString()],
    fromIndex: async (indexer) => {
      const { entry, holderCount } = await getContentSales(indexer, { contentId, limit: 0, holdersLimit: 0 });
      return { sold: entry?.sold ?? 0, holders: holderCount };
    },
    fromLogs: async (market) => ({ sold: (await scanSales(client, market, contentId, fromBlock)).length }),
  });
}
