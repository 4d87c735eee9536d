import { sql } from "@ponder/client";
import { type ContentMetadata, decodeMetadata, type GetContentReturnType } from "@superdist/contracts";
import type { Address, Hash } from "viem";
import type { IndexerClient } from "../client.ts";
import { param, toAddress, toBigInt, toHash, toNumber } from "../rows.ts";

export type GetCatalogParameters = {
  /** At most this many contents, newest first (default 100, at most 1000). */
  limit?: number;
  offset?: number;
  /** Only this publisher's contents (the publisher's dashboard). */
  publisher?: Address;
};

/** Licenses sold in one currency, and what they brought (the price paid, before the split). */
export type ContentSale = { currency: Address; count: number; revenue: bigint };

export type CatalogEntry = {
  contentId: bigint;
  /** The content's current terms, field for field as the market's `content()` returns them. */
  content: GetContentReturnType;
  metadata: ContentMetadata;
  /** Licenses sold, in any currency. */
  sold: number;
  sales: ContentSale[];
  published: { blockNumber: bigint; timestamp: bigint; transactionHash: Hash };
};

export type GetCatalogReturnType = CatalogEntry[];

export type ContentRow = {
  content_id: string;
  publisher: string;
  payout: string;
  currency: string;
  price: string;
  reward_bps: number[];
  royalty_bps: number;
  transferable: boolean;
  paused: boolean;
  key_commitment: string;
  verifier_recipient: string;
  title: string;
  metadata_uri: string;
  sold: number;
  published_block: string;
  published_at: string;
  published_tx: string;
};

export const contentColumns = sql.raw(
  "c.content_id, c.publisher, c.payout, c.currency, c.price, c.reward_bps, c.royalty_bps, c.transferable, " +
    "c.paused, c.key_commitment, c.verifier_recipient, c.title, c.metadata_uri, c.sold, c.published_block, " +
    "c.published_at, c.published_tx",
);

export function toCatalogEntry(row: ContentRow): CatalogEntry {
  return {
    contentId: toBigInt(row.content_id),
    content: {
      publisher: toAddress(row.publisher),
      payout: toAddress(row.payout),
      currency: toAddress(row.currency),
      price: toBigInt(row.price),
      rewardBps: row.reward_bps.map(toNumber),
      royaltyBps: toNumber(row.royalty_bps),
      transferable: row.transferable,
      paused: row.paused,
      keyCommitment: toHash(row.key_commitment),
      verifierRecipient: row.verifier_recipient,
      title: row.title,
      metadataURI: row.metadata_uri,
    },
    metadata: decodeMetadata(row.metadata_uri),
    sold: toNumber(row.sold),
    sales: [],
    published: {
      blockNumber: toBigInt(row.published_block),
      timestamp: toBigInt(row.published_at),
      transactionHash: toHash(row.published_tx),
    },
  };
}

type CatalogRow = ContentRow & {
  sale_currency: string | null;
  sale_count: number | null;
  sale_revenue: string | null;
};

/** Published contents, newest first, with their current terms and what each has sold: one query. */
export async function getCatalog(
  indexer: IndexerClient,
  { limit = 100, offset = 0, publisher }: GetCatalogParameters = {},
): Promise<GetCatalogReturnType> {
  const page = Math.min(Math.max(Math.trunc(limit), 0), 1000);
  const filter = publisher ? sql`where publisher = ${param(publisher)}` : sql``;
  const rows = await indexer.query<CatalogRow>(sql`
    select ${contentColumns}, s.currency as sale_currency, s.count as sale_count, s.revenue as sale_revenue
    from (select * from contents ${filter} order by content_id desc limit ${page} offset ${Math.max(offset, 0)}) c
    left join sales s on s.content_id = c.content_id
    order by c.content_id desc, s.currency`);
  const entries: CatalogEntry[] = [];
  for (const row of rows) {
    let entry = entries.at(-1);
    if (!entry || entry.contentId !== toBigInt(row.content_id)) {
      entry = toCatalogEntry(row);
      entries.push(entry);
    }
    if (row.sale_currency !== null) {
      entry.sales.push({
        currency: toAddress(row.sale_currency),
        count: toNumber(row.sale_count),
        revenue: toBigInt(row.sale_revenue),
      });
    }
  }
  return entries;
}
