import { sql } from "@ponder/client";
import type { Address } from "viem";
import type { IndexerClient } from "../client.ts";
import { inSubtree } from "../licenses.ts";
import { param, toAddress, toBigInt, toNumber } from "../rows.ts";

export type GetDescendantsParameters = {
  tokenId: bigint;
  /** Only this many levels below the token (default: all). */
  maxDepth?: number;
};

/** A license below the token asked about; it is of the same content, as every license of a lineage is. */
export type Descendant = {
  tokenId: bigint;
  parent: bigint;
  owner: Address;
  generation: bigint;
  /** Levels below the token asked about: 1 for a license bought through it. */
  depth: number;
};

/** Every license bought through `tokenId`, through those, and so on; parents before their children. */
export type GetDescendantsReturnType = Descendant[];

type DescendantRow = { token_id: string; parent: string; owner: string; generation: number };

/** The licenses below one token in its lineage tree: one range scan of the path index. */
export async function getDescendants(
  indexer: IndexerClient,
  { tokenId, maxDepth }: GetDescendantsParameters,
): Promise<GetDescendantsReturnType> {
  const id = param(tokenId);
  const depth =
    maxDepth === undefined ? sql`` : sql`and d.generation - a.generation <= ${Math.trunc(maxDepth)}`;
  // Ten thousand rows cost more to carry and parse than to find, so each row holds only what cannot be derived:
  // not the content (the token's own), nor the depth (from the generation of the first row, a child).
  const rows = await indexer.query<DescendantRow>(sql`
    select d.token_id, d.parent, d.owner, d.generation
    from licenses a join licenses d on ${inSubtree("d", "a")}
    where a.token_id = ${id} and d.token_id <> ${id} ${depth}
    order by d.generation, d.token_id`);
  const base = rows.length > 0 ? toNumber(rows[0]?.generation) - 1 : 0;
  return rows.map((row) => ({
    tokenId: toBigInt(row.token_id),
    parent: toBigInt(row.parent),
    owner: toAddress(row.owner),
    generation: toBigInt(row.generation),
    depth: toNumber(row.generation) - base,
  }));
}
