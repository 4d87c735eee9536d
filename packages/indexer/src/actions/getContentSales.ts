import { sql } from "@ponder/client";
import type { Address } from "viem";
import type { IndexerClient } from "../client.ts";
import { type IndexedLicense, type LicenseRow, licenseColumns, toIndexedLicense } from "../licenses.ts";
import { param, toAddress, toNumber } from "../rows.ts";
import { type CatalogEntry, type ContentRow, contentColumns, toCatalogEntry } from "./getCatalog.ts";

export type GetContentSalesParameters = {
  contentId: bigint;
  /** The most recent sales returned (default 100, at most 1000). */
  limit?: number;
  /** The largest holders returned (default 100, at most 1000). */
  holdersLimit?: number;
};

export type ContentHolder = { account: Address; licenses: number };

export type GetContentSalesReturnType = {
  /** The content with its terms and sales per currency; null if the index knows no such content. */
  entry: CatalogEntry | null;
  /** Accounts holding licenses of the content now, most licenses first. */
  holders: ContentHolder[];
  holderCount: number;
  /** The most recent sales, newest first. */
  licenses: IndexedLicense[];
};

/** What a content's page and its publisher's dashboard show: terms, sales per currency, holders, recent sales. */
export async function getContentSales(
  indexer: IndexerClient,
  { contentId, limit = 100, holdersLimit = 100 }: GetContentSalesParameters,
): Promise<GetContentSalesReturnType> {
  const id = param(contentId);
  const clamp = (value: number) => Math.min(Math.max(Math.trunc(value), 0), 1000);
  const [contents, sales, holders, holderCount, licenses] = await Promise.all([
    indexer.query<ContentRow>(sql`select ${contentColumns} from contents c where c.content_id = ${id}`),
    indexer.query<{ currency: string; count: number; revenue: string }>(
      sql`select currency, count, revenue from sales where content_id = ${id} order by currency`,
    ),
    indexer.query<{ owner: string; licenses: number | string }>(sql`
      select owner, count(*) as licenses from licenses where content_id = ${id}
      group by owner order by count(*) desc, owner limit ${clamp(holdersLimit)}`),
    indexer.query<{ holders: number | string }>(
      sql`select count(distinct owner) as holders from licenses where content_id = ${id}`,
    ),
    indexer.query<LicenseRow>(sql`
      select ${licenseColumns("l")} from licenses l where l.content_id = ${id}
      order by l.token_id desc limit ${clamp(limit)}`),
  ]);
  const [content] = contents;
  const entry = content ? toCatalogEntry(content) : null;
  if (entry) {
    entry.sales = sales.map((s) => ({
      currency: toAddress(s.currency),
      count: toNumber(s.count),
      revenue: BigInt(s.revenue),
    }));
  }
  return {
    entry,
    holders: holders.map((h) => ({ account: toAddress(h.owner), licenses: toNumber(h.licenses) })),
    holderCount: toNumber(holderCount[0]?.holders ?? 0),
    licenses: licenses.map(toIndexedLicense),
  };
}
