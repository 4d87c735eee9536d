import type { LicenseNode } from "@superdist/contracts";
import type { Address } from "viem";

export type TreeRow = {
  tree: bigint;
  tokenId: bigint;
  contentId: bigint;
  owner: Address;
  parent: bigint;
  level: number;
};

/**
 * Lineage trees from rows that list, for each tree, its root (level 0) and then every license below it, parents
 * before children. Children keep the order of the rows.
 */
export function buildLicenseTrees(
  rows: readonly TreeRow[],
  earnedBy: ReadonlyMap<bigint, Record<Address, bigint>> = new Map(),
): LicenseNode[] {
  const trees: LicenseNode[] = [];
  let nodes = new Map<bigint, LicenseNode>();
  let current: bigint | undefined;
  for (const row of rows) {
    if (row.tree !== current) {
      current = row.tree;
      nodes = new Map();
    }
    const node: LicenseNode = {
      tokenId: row.tokenId,
      contentId: row.contentId,
      owner: row.owner,
      level: row.level,
      earned: { ...(earnedBy.get(row.tokenId) ?? {}) },
      children: [],
    };
    nodes.set(row.tokenId, node);
    if (row.level === 0) trees.push(node);
    else nodes.get(row.parent)?.children.push(node);
  }
  return trees;
}
