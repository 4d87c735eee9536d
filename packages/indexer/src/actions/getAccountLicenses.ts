import { sql } from "@ponder/client";
import type { Address } from "viem";
import type { IndexerClient } from "../client.ts";
import { type IndexedLicense, type LicenseRow, licenseColumns, toIndexedLicense } from "../licenses.ts";
import { param } from "../rows.ts";

export type GetAccountLicensesParameters = { account: Address; contentId?: bigint };

/**
 * The licenses `account` owns now, oldest first. Each carries `tokenId`, `contentId`, `parent` and `generation`
 * as `getOwnedLicenses` of `@superdist/contracts` returns them, so callers can switch from the log scan.
 */
export type GetAccountLicensesReturnType = IndexedLicense[];

export async function getAccountLicenses(
  indexer: IndexerClient,
  { account, contentId }: GetAccountLicensesParameters,
): Promise<GetAccountLicensesReturnType> {
  const content = contentId === undefined ? sql`` : sql`and l.content_id = ${param(contentId)}`;
  const rows = await indexer.query<LicenseRow>(sql`
    select ${licenseColumns("l")} from licenses l where l.owner = ${param(account)} ${content}
    order by l.token_id`);
  return rows.map(toIndexedLicense);
}
