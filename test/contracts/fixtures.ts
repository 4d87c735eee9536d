/**
 * Deployments and actions the contract tests share. Contracts are deployed through the Ignition modules, as in
 * production; each test file wraps these in its own named fixtures for `loadFixture`.
 */
import type { ContractReturnType } from "@nomicfoundation/hardhat-viem/types";
import type { NetworkConnection } from "hardhat/types/network";
import { type Address, getAddress, type Hex, parseEther, zeroAddress, zeroHash } from "viem";
import DemoTokenModule from "../../ignition/modules/DemoToken.ts";
import SuperdistModule from "../../ignition/modules/Superdist.ts";

export type Market = ContractReturnType<"SuperdistMarket">;
export type Token = ContractReturnType<"DemoToken">;
export type Connection = NetworkConnection;

export const ETH: Address = zeroAddress;
/** 10%, 5%, 3%, 2%, 1%: the five-level schedule the lineage tests pay. */
export const FIVE_LEVELS = [1000, 500, 300, 200, 100] as const;
export const ETH_PRICE = parseEther("1");
/** An odd price, so that every level's floor division drops a remainder the publisher must receive. */
export const TOKEN_PRICE = 12_345_678n;
export const TOKEN_FUNDS = 10n ** 12n;

export type PublishOverrides = Partial<{
  price: bigint;
  currency: Address;
  rewardBps: readonly number[];
  payout: Address;
  royaltyBps: number;
  transferable: boolean;
  keyCommitment: Hex;
  verifierRecipient: string;
  title: string;
  metadataURI: string;
}>;

export function publishParams(payout: Address, overrides: PublishOverrides = {}) {
  return {
    price: ETH_PRICE,
    currency: ETH,
    rewardBps: [...FIVE_LEVELS],
    payout,
    royaltyBps: 500,
    transferable: true,
    keyCommitment: zeroHash,
    verifierRecipient: "age1verifier",
    title: "Song",
    metadataURI: "ipfs://song",
    ...overrides,
    ...(overrides.rewardBps ? { rewardBps: [...overrides.rewardBps] } : {}),
  };
}

/**
 * The market and the demo token, with named roles: `owner` deploys, `publisher` publishes, `buyers` buy (each
 * holds demo tokens and has approved the market), `treasury` receives the protocol fee.
 */
export async function deployMarket(connection: Connection) {
  const { viem, ignition } = connection;
  // Checksummed accounts, so that addresses compare equal to what the contracts return and emit.
  const wallets = await Promise.all(
    (await viem.getWalletClients()).map((w) => viem.getWalletClient(getAddress(w.account.address))),
  );
  const [owner, publisher, treasury, outsider, ...buyers] = wallets;
  const publicClient = await viem.getPublicClient();
  const { market } = await ignition.deploy(SuperdistModule);
  const { demoToken: token } = await ignition.deploy(DemoTokenModule);
  for (const buyer of buyers.slice(0, 10)) {
    await token.write.mint([buyer.account.address, TOKEN_FUNDS]);
    await token.write.approve([market.address, TOKEN_FUNDS], { account: buyer.account });
  }
  return { market, token, owner, publisher, treasury, outsider, buyers, publicClient };
}

export type Deployed = Awaited<ReturnType<typeof deployMarket>>;

/** Publishes as `publisher` and returns the new content id. */
export async function publish(d: Deployed, overrides: PublishOverrides = {}): Promise<bigint> {
  await d.market.write.publish([publishParams(d.publisher.account.address, overrides)], {
    account: d.publisher.account,
  });
  return d.market.read.contentCount();
}

type Wallet = Deployed["buyers"][number];

/** Buys `contentId` for the buyer, paying its current price in its currency; returns the new token id. */
export async function buy(
  d: Deployed,
  buyer: Wallet,
  contentId: bigint,
  referrer = 0n,
  recipient: Address = buyer.account.address,
): Promise<bigint> {
  const { price, currency } = await d.market.read.content([contentId]);
  await d.market.write.purchase([contentId, referrer, recipient, currency, price], {
    account: buyer.account,
    value: currency === ETH ? price : 0n,
  });
  return d.market.read.totalSupply();
}

/** buyers[0] buys without referrer, then each next buyer through the previous one's token; returns the tokens. */
export async function buyChain(d: Deployed, contentId: bigint, length: number): Promise<bigint[]> {
  const tokens: bigint[] = [];
  for (let i = 0; i < length; i++) {
    tokens.push(await buy(d, d.buyers[i], contentId, tokens.at(-1) ?? 0n));
  }
  return tokens;
}
