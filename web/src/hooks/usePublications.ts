"use client";

import type { LicenseNode } from "@superdist/contracts";
import { getContentSales } from "@superdist/indexer/client";
import type { Address } from "viem";
import { type ListResult, useIndexedQuery } from "./useIndex.ts";
import { type CatalogEntry, scanSales, useCatalog, useMarket } from "./useMarket.ts";

/** One sale of a content, as its publisher's dashboard draws it. */
export type Sale = {
  tokenId: bigint;
  parent: bigint;
  owner: Address;
  currency: Address;
  price: bigint;
  payoutAmount: bigint;
};

export type ContentDashboard = {
  sold: number;
  holders?: number;
  /** What the sales brought the payout address, per currency: the price less rewards and the protocol fee. */
  revenue: { currency: Address; count: number; gross: bigint; payout: bigint }[];
  /** The sales as a forest: a license bought without a referrer is a root, each sale through it a child. */
  trees: LicenseNode[];
};

/** The contents `publisher` publishes now (a hand-over moves them), newest first, as the catalog holds them. */
export function usePublications(publisher: Address | undefined): ListResult<CatalogEntry[]> {
  const catalog = useCatalog();
  if (!catalog.data) return catalog;
  const mine = catalog.data.filter(
    (entry) => entry.content.publisher.toLowerCase() === publisher?.toLowerCase(),
  );
  return { ...catalog, data: mine };
}

function forest(sales: readonly Sale[]): LicenseNode[] {
  const children = new Map<bigint, Sale[]>();
  const ids = new Set(sales.map((sale) => sale.tokenId));
  for (const sale of sales) {
    const parent = ids.has(sale.parent) ? sale.parent : 0n;
    children.set(parent, [...(children.get(parent) ?? []), sale]);
  }
  const build = (sale: Sale, level: number, contentId: bigint): LicenseNode => ({
    tokenId: sale.tokenId,
    contentId,
    owner: sale.owner,
    level,
    earned: { [sale.currency]: sale.payoutAmount },
    children: (children.get(sale.tokenId) ?? []).map((child) => build(child, level + 1, contentId)),
  });
  return (children.get(0n) ?? []).map((sale) => build(sale, 0, 0n));
}

function summarise(contentId: bigint, sales: Sale[], holders?: number): ContentDashboard {
  const revenue = new Map<Address, ContentDashboard["revenue"][number]>();
  for (const sale of sales) {
    const row = revenue.get(sale.currency) ?? { currency: sale.currency, count: 0, gross: 0n, payout: 0n };
    row.count++;
    row.gross += sale.price;
    row.payout += sale.payoutAmount;
    revenue.set(sale.currency, row);
  }
  const trees = forest([...sales].sort((a, b) => (a.tokenId < b.tokenId ? -1 : 1)));
  const withContent = (node: LicenseNode): LicenseNode => ({
    ...node,
    contentId,
    children: node.children.map(withContent),
  });
  return { sold: sales.length, holders, revenue: [...revenue.values()], trees: trees.map(withContent) };
}

/** A content's sales for its publisher: counts, revenue per currency and the referral forest. */
export function useContentDashboard(contentId: bigint): ListResult<ContentDashboard> {
  const { client, fromBlock } = useMarket();
  return useIndexedQuery({
    key: ["content-dashboard", contentId.toString()],
    fromIndex: async (indexer) => {
      const { licenses, holderCount } = await getContentSales(indexer, {
        contentId,
        limit: 1000,
        holdersLimit: 0,
      });
      return summarise(contentId, licenses, holderCount);
    },
    fromLogs: async (market) => summarise(contentId, await scanSales(client, market, contentId, fromBlock)),
  });
}
