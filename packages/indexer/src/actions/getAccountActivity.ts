import { sql } from "@ponder/client";
import type { LicenseNode, RewardCredit } from "@superdist/contracts";
import type { Address, Hash } from "viem";
import type { IndexerClient } from "../client.ts";
import { inSubtree } from "../licenses.ts";
import { param, toAddress, toBigInt, toHash, toNumber } from "../rows.ts";
import { buildLicenseTrees } from "../tree.ts";

export type GetAccountActivityParameters = { account: Address };

export type IndexedRewardCredit = RewardCredit & { logIndex: number; timestamp: bigint };

export type IndexedClaim = {
  currency: Address;
  to: Address;
  amount: bigint;
  blockNumber: bigint;
  logIndex: number;
  timestamp: bigint;
  transactionHash: Hash;
};

/**
 * The shape of `getAccountActivity` in `@superdist/contracts` (the log scan), with block timestamps added. One
 * difference: a tree node's `owner` is the license's owner now, where the log scan names who received it.
 */
export type GetAccountActivityReturnType = {
  /** What the market owes the account per currency it has used (zero amounts included), from the indexed credits and claims. */
  claimable: { currency: Address; amount: bigint }[];
  /** Oldest first. */
  credits: IndexedRewardCredit[];
  /** Oldest first. */
  claims: IndexedClaim[];
  /** The account's licenses, oldest first, each with the licenses bought through it, down the tree. */
  licenses: LicenseNode[];
};

type EventColumns = { block_number: string; log_index: number; timestamp: string; transaction_hash: string };

/** Everything the rewards and library pages show for one account, in four queries sent together. */
export async function getAccountActivity(
  indexer: IndexerClient,
  { account }: GetAccountActivityParameters,
): Promise<GetAccountActivityReturnType> {
  const who = param(account);
  const [balances, credits, claims, trees] = await Promise.all([
    indexer.query<{ currency: string; amount: string | null }>(sql`
      select cu.address as currency, b.claimable as amount
      from currencies cu left join balances b on b.currency = cu.address and b.account = ${who}
      order by cu.first_block, cu.address`),
    indexer.query<
      EventColumns & {
        currency: string;
        token_id: string;
        ancestor_token_id: string;
        level: number;
        amount: string;
      }
    >(sql`
      select currency, token_id, ancestor_token_id, level, amount, block_number, log_index, timestamp, transaction_hash
      from credits where account = ${who} order by block_number, log_index`),
    indexer.query<EventColumns & { currency: string; to: string; amount: string }>(sql`
      select currency, "to", amount, block_number, log_index, timestamp, transaction_hash
      from claims where account = ${who} order by block_number, log_index`),
    indexer.query<{
      tree: string;
      token_id: string;
      content_id: string;
      owner: string;
      parent: string;
      level: number;
    }>(sql`
      select o.token_id as tree, d.token_id, d.content_id, d.owner, d.parent, d.generation - o.generation as level
      from licenses o join licenses d on ${inSubtree("d", "o")}
      where o.owner = ${who}
      order by o.token_id, d.generation, d.token_id`),
  ]);

  const creditList: IndexedRewardCredit[] = credits.map((c) => ({
    currency: toAddress(c.currency),
    tokenId: toBigInt(c.token_id),
    ancestorTokenId: toBigInt(c.ancestor_token_id),
    level: toNumber(c.level),
    amount: toBigInt(c.amount),
    blockNumber: toBigInt(c.block_number),
    logIndex: toNumber(c.log_index),
    timestamp: toBigInt(c.timestamp),
    transactionHash: toHash(c.transaction_hash),
  }));
  const earnedBy = new Map<bigint, Record<Address, bigint>>();
  for (const c of creditList) {
    const earned = earnedBy.get(c.tokenId) ?? {};
    earned[c.currency] = (earned[c.currency] ?? 0n) + c.amount;
    earnedBy.set(c.tokenId, earned);
  }

  return {
    claimable: balances.map((b) => ({
      currency: toAddress(b.currency),
      amount: b.amount === null ? 0n : toBigInt(b.amount),
    })),
    credits: creditList,
    claims: claims.map((c) => ({
      currency: toAddress(c.currency),
      to: toAddress(c.to),
      amount: toBigInt(c.amount),
      blockNumber: toBigInt(c.block_number),
      logIndex: toNumber(c.log_index),
      timestamp: toBigInt(c.timestamp),
      transactionHash: toHash(c.transaction_hash),
    })),
    licenses: buildLicenseTrees(
      trees.map((row) => ({
        tree: toBigInt(row.tree),
        tokenId: toBigInt(row.token_id),
        contentId: toBigInt(row.content_id),
        owner: toAddress(row.owner),
        parent: toBigInt(row.parent),
        level: toNumber(row.level),
      })),
      earnedBy,
    ),
  };
}
