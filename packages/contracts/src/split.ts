import type { Address } from "viem";

const BPS = 10_000n;

/** One lineage level of a purchase: who holds the ancestor license and what the level pays them. */
export type LevelShare = {
  level: number;
  tokenId: bigint;
  account: Address;
  bps: number;
  amount: bigint;
  /** Set when the level pays nobody and its share falls to the publisher. */
  skipped?: "payer" | "recipient";
};

export type PurchaseSplit = {
  price: bigint;
  levels: LevelShare[];
  fee: bigint;
  publisher: bigint;
};

export type SplitParameters = {
  price: bigint;
  rewardBps: readonly number[];
  feeBps: number;
  /** Ancestor licenses, the referrer first, with their current owners. */
  ancestors: readonly { tokenId: bigint; owner: Address }[];
  payer: Address;
  recipient: Address;
};

/**
 * How a purchase's price is credited, exactly as the market credits it: each level's share to the ancestor's
 * owner (rounded down), nothing to the payer's or recipient's own licenses, the protocol fee, and the rest to the
 * publisher.
 */
export function splitPurchase(p: SplitParameters): PurchaseSplit {
  const fee = (p.price * BigInt(p.feeBps)) / BPS;
  let publisher = p.price - fee;
  const levels: LevelShare[] = [];
  const depth = Math.min(p.rewardBps.length, p.ancestors.length);
  for (let i = 0; i < depth; i++) {
    const { tokenId, owner } = p.ancestors[i];
    const bps = p.rewardBps[i];
    const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
    const skipped = same(owner, p.payer) ? "payer" : same(owner, p.recipient) ? "recipient" : undefined;
    const amount = skipped ? 0n : (p.price * BigInt(bps)) / BPS;
    publisher -= amount;
    levels.push({ level: i + 1, tokenId, account: owner, bps, amount, ...(skipped ? { skipped } : {}) });
  }
  return { price: p.price, levels, fee, publisher };
}
