import type { Address, Client, Hash } from "viem";
import { getContractEvents, readContract } from "viem/actions";
import { superdistMarketAbi } from "../abi.generated.ts";
import { getOwnedLicenses } from "./getOwnedLicenses.ts";

export type GetAccountActivityParameters = { market: Address; account: Address; fromBlock?: bigint };

export type RewardCredit = {
  currency: Address;
  /** The license whose sale paid. */
  tokenId: bigint;
  /** The license of `account` that earned. */
  ancestorTokenId: bigint;
  level: number;
  amount: bigint;
  blockNumber: bigint;
  transactionHash: Hash;
};

export type LicenseNode = {
  tokenId: bigint;
  contentId: bigint;
  owner: Address;
  /** Depth below the root of the tree: 0 for the account's own license. */
  level: number;
  /** What the account earned from this license's sale, per currency. */
  earned: Record<Address, bigint>;
  children: LicenseNode[];
};

export type GetAccountActivityReturnType = {
  /** Unclaimed balance per currency the market has used (zero balances included). */
  claimable: { currency: Address; amount: bigint }[];
  credits: RewardCredit[];
  claims: { currency: Address; to: Address; amount: bigint; blockNumber: bigint; transactionHash: Hash }[];
  /** The account's licenses, each with the licenses bought through it, down the tree. */
  licenses: LicenseNode[];
};

/**
 * Everything the rewards and library views show for one account, rebuilt from the market's events: balances,
 * the history of credits and claims, and the referral tree below each license the account holds.
 */
export async function getAccountActivity(
  client: Client,
  { market, account, fromBlock = 0n }: GetAccountActivityParameters,
): Promise<GetAccountActivityReturnType> {
  const base = { address: market, abi: superdistMarketAbi, fromBlock, strict: true } as const;
  const [published, repriced, purchases, credits, claims, owned] = await Promise.all([
    getContractEvents(client, { ...base, eventName: "ContentPublished" }),
    getContractEvents(client, { ...base, eventName: "ContentRepriced" }),
    getContractEvents(client, { ...base, eventName: "LicensePurchased" }),
    getContractEvents(client, { ...base, eventName: "RewardCredited", args: { account } }),
    getContractEvents(client, { ...base, eventName: "Claimed", args: { account } }),
    getOwnedLicenses(client, { market, account, fromBlock }),
  ]);

  const currencies = [...new Set([...published, ...repriced].map((e) => e.args.currency))];
  const balances = await Promise.all(
    currencies.map((currency) =>
      readContract(client, {
        address: market,
        abi: superdistMarketAbi,
        functionName: "claimable",
        args: [account, currency],
      }),
    ),
  );

  const creditList: RewardCredit[] = credits.map((e) => ({
    currency: e.args.currency,
    tokenId: e.args.tokenId,
    ancestorTokenId: e.args.ancestorTokenId,
    level: Number(e.args.level),
    amount: e.args.amount,
    blockNumber: e.blockNumber,
    transactionHash: e.transactionHash,
  }));
  const earnedBy = new Map<bigint, Record<Address, bigint>>();
  for (const c of creditList) {
    const earned = earnedBy.get(c.tokenId) ?? {};
    earned[c.currency] = (earned[c.currency] ?? 0n) + c.amount;
    earnedBy.set(c.tokenId, earned);
  }

  const children = new Map<bigint, typeof purchases>();
  for (const p of purchases) {
    const list = children.get(p.args.parent) ?? [];
    list.push(p);
    children.set(p.args.parent, list);
  }
  // The content comes with each license (the owned record, the purchase event): a license bought before
  // `fromBlock` and received after it has no purchase in the scan.
  const build = (tokenId: bigint, contentId: bigint, level: number, owner: Address): LicenseNode => ({
    tokenId,
    contentId,
    owner,
    level,
    earned: earnedBy.get(tokenId) ?? {},
    children: (children.get(tokenId) ?? []).map((p) =>
      build(p.args.tokenId, p.args.contentId, level + 1, p.args.recipient),
    ),
  });

  return {
    claimable: currencies.map((currency, i) => ({ currency, amount: balances[i] })),
    credits: creditList,
    claims: claims.map((e) => ({
      currency: e.args.currency,
      to: e.args.to,
      amount: e.args.amount,
      blockNumber: e.blockNumber,
      transactionHash: e.transactionHash,
    })),
    licenses: owned.map(({ tokenId, contentId }) => build(tokenId, contentId, 0, account)),
  };
}
