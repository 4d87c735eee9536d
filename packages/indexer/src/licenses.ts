import { sql } from "@ponder/client";
import type { Address, Hash } from "viem";
import { toAddress, toBigInt, toHash } from "./rows.ts";

/** A license token as the index holds it: its lineage record as the market's `license()` returns it, and its sale. */
export type IndexedLicense = {
  tokenId: bigint;
  contentId: bigint;
  /** The current owner. */
  owner: Address;
  /** The license bought through, or 0. */
  parent: bigint;
  generation: bigint;
  /** The first license of the lineage (the token itself when bought without a referrer). */
  root: bigint;
  payer: Address;
  /** Who received the license when it was bought. */
  recipient: Address;
  currency: Address;
  price: bigint;
  payout: Address;
  payoutAmount: bigint;
  protocolFee: bigint;
  blockNumber: bigint;
  timestamp: bigint;
  transactionHash: Hash;
};

export type LicenseRow = {
  token_id: string;
  content_id: string;
  owner: string;
  parent: string;
  generation: number;
  root: string;
  payer: string;
  recipient: string;
  currency: string;
  price: string;
  payout: string;
  payout_amount: string;
  protocol_fee: string;
  block_number: string;
  timestamp: string;
  transaction_hash: string;
};

/** The columns of `LicenseRow`, from the `license` table aliased `alias`. */
export function licenseColumns(alias: string) {
  if (!/^[a-z]+$/.test(alias)) throw new Error(`bad alias ${alias}`);
  return sql.raw(
    [
      "token_id",
      "content_id",
      "owner",
      "parent",
      "generation",
      "root",
      "payer",
      "recipient",
      "currency",
      "price",
      "payout",
      "payout_amount",
      "protocol_fee",
      "block_number",
      "timestamp",
      "transaction_hash",
    ]
      .map((column) => `${alias}.${column}`)
      .join(", "),
  );
}

export function toIndexedLicense(row: LicenseRow): IndexedLicense {
  return {
    tokenId: toBigInt(row.token_id),
    contentId: toBigInt(row.content_id),
    owner: toAddress(row.owner),
    parent: toBigInt(row.parent),
    generation: toBigInt(row.generation),
    root: toBigInt(row.root),
    payer: toAddress(row.payer),
    recipient: toAddress(row.recipient),
    currency: toAddress(row.currency),
    price: toBigInt(row.price),
    payout: toAddress(row.payout),
    payoutAmount: toBigInt(row.payout_amount),
    protocolFee: toBigInt(row.protocol_fee),
    blockNumber: toBigInt(row.block_number),
    timestamp: toBigInt(row.timestamp),
    transactionHash: toHash(row.transaction_hash),
  };
}

/**
 * The join condition "d is in the subtree of a" (a included) over the (root, path) index: within a's lineage, the
 * paths from a's ("1/5/") up to, not including, "1/50" ('/' sorts right before '0'). `~>=~` and `~<~` are the
 * operators of `text_pattern_ops`, so the range is one index scan whatever the database's collation; the root,
 * besides narrowing the scan, gives the planner an estimate it trusts, where a range over an outer row's path
 * alone made it scan the whole table.
 */
export function inSubtree(descendant: string, ancestor: string) {
  if (!/^[a-z]+$/.test(descendant) || !/^[a-z]+$/.test(ancestor)) throw new Error("bad alias");
  const [d, a] = [descendant, ancestor];
  return sql.raw(
    `${d}.root = ${a}.root and ${d}.path ~>=~ ${a}.path and ` +
      `${d}.path ~<~ (substring(${a}.path, 1, length(${a}.path) - 1) || '0')`,
  );
}
