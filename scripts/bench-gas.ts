/**
 * Gas per operation on the in-process Hardhat network: `npm run bench:gas`.
 * Buyers are fresh accounts (their license balance slot starts at zero), and ancestors already hold a reward
 * balance in the currency, the steady state of a content that sells.
 */
import { getPermitTypedData } from "@superdist/contracts";
import { network } from "hardhat";
import { type Address, type Hex, maxUint256, parseEther, parseSignature, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import DemoTokenModule from "../ignition/modules/DemoToken.ts";
import SuperdistModule from "../ignition/modules/Superdist.ts";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";

const { viem, ignition } = await network.create();
const publicClient = await viem.getPublicClient();
const [deployer, publisher, ...holders] = await viem.getWalletClients();
const { market } = await ignition.deploy(SuperdistModule);
const { demoToken } = await ignition.deploy(DemoTokenModule);
const { demoToken: secondToken } = await ignition.deploy(DemoTokenModule, {
  deploymentId: "second-token",
  parameters: { DemoToken: { name: "Second", symbol: "SEC" } },
});

const PRICE_ETH = parseEther("0.01");
const PRICE_TOKEN = 10n ** 19n;
const SCHEDULE = [1000, 500, 300, 200, 100, 100, 50, 50];

async function gasOf(hash: Hex): Promise<bigint> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
  return receipt.gasUsed;
}

async function publish(currency: Address, price: bigint, rewardBps: number[]) {
  const hash = await market.write.publish(
    [
      {
        price,
        currency,
        rewardBps,
        payout: publisher.account.address,
        royaltyBps: 500,
        transferable: true,
        keyCommitment: `0x${"11".repeat(32)}`,
        verifierRecipient: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq",
        title: "Benchmark content",
        metadataURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
      },
    ],
    { account: publisher.account },
  );
  const gas = await gasOf(hash);
  return { gas, contentId: await market.read.contentCount() };
}

/** A funded account that has never held a license. */
async function freshBuyer() {
  const account = privateKeyToAccount(generatePrivateKey());
  await gasOf(await deployer.sendTransaction({ to: account.address, value: parseEther("10") }));
  for (const token of [demoToken, secondToken]) {
    await gasOf(await token.write.mint([account.address, PRICE_TOKEN * 10n]));
    await gasOf(await token.write.approve([market.address, maxUint256], { account }));
  }
  return account;
}

async function buy(
  contentId: bigint,
  referrer: bigint,
  currency: Address,
  price: bigint,
  account: Awaited<ReturnType<typeof freshBuyer>>,
) {
  const hash = await market.write.purchase([contentId, referrer, account.address, currency, price], {
    account,
    value: currency === zeroAddress ? price : 0n,
  });
  const gas = await gasOf(hash);
  return { gas, tokenId: await market.read.totalSupply() };
}

/** Builds a chain of 8 licenses held by 8 different holders, each of whom has already earned once. */
async function lineage(contentId: bigint, currency: Address, price: bigint) {
  const chain: bigint[] = [];
  let referrer = 0n;
  for (let i = 0; i < 8; i++) {
    const holder = holders[i];
    await gasOf(await deployer.sendTransaction({ to: holder.account.address, value: parseEther("1") }));
    if (currency !== zeroAddress) {
      const token = currency === demoToken.address ? demoToken : secondToken;
      await gasOf(await token.write.mint([holder.account.address, price * 10n]));
      await gasOf(await token.write.approve([market.address, maxUint256], { account: holder.account }));
    }
    const hash = await market.write.purchase([contentId, referrer, holder.account.address, currency, price], {
      account: holder.account,
      value: currency === zeroAddress ? price : 0n,
    });
    await gasOf(hash);
    referrer = await market.read.totalSupply();
    chain.push(referrer);
  }
  // One more sale through the last license credits every ancestor, so each has a non-zero balance.
  await buy(contentId, referrer, currency, price, await freshBuyer());
  return chain;
}

const rows: (string | number)[][] = [];
const record = (operation: string, gas: bigint, note = "") => rows.push([operation, gas.toString(), note]);

const ethContent = await publish(zeroAddress, PRICE_ETH, SCHEDULE);
record("publish (8-level schedule)", ethContent.gas);
const tokenContent = await publish(demoToken.address, PRICE_TOKEN, SCHEDULE);

for (const [label, content, currency, price] of [
  ["ETH", ethContent.contentId, zeroAddress, PRICE_ETH],
  ["ERC-20", tokenContent.contentId, demoToken.address, PRICE_TOKEN],
] as const) {
  const chain = await lineage(content, currency, price);
  const depth0 = await buy(content, 0n, currency, price, await freshBuyer());
  record(`purchase ${label}, depth 0 (no referrer)`, depth0.gas);
  for (const depth of [1, 3, 8]) {
    const result = await buy(content, chain[depth - 1], currency, price, await freshBuyer());
    const perLevel = (result.gas - depth0.gas) / BigInt(depth);
    record(`purchase ${label}, depth ${depth}`, result.gas, `${perLevel} per level`);
  }
}

// Permit: the buyer signs the approval off chain and pays in one transaction.
{
  const buyer = privateKeyToAccount(generatePrivateKey());
  await gasOf(await deployer.sendTransaction({ to: buyer.address, value: parseEther("1") }));
  await gasOf(await demoToken.write.mint([buyer.address, PRICE_TOKEN]));
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const permit = await getPermitTypedData(publicClient, {
    token: demoToken.address,
    owner: buyer.address,
    spender: market.address,
    value: PRICE_TOKEN,
    deadline,
  });
  if (!permit) throw new Error("the demo token supports permit");
  const signature = await buyer.signTypedData(permit);
  const { v, r, s } = parseSignature(signature);
  const hash = await market.write.purchaseWithPermit(
    [tokenContent.contentId, 0n, buyer.address, demoToken.address, PRICE_TOKEN, deadline, Number(v), r, s],
    { account: buyer },
  );
  record("purchase ERC-20 with permit, depth 0", await gasOf(hash));
}

// Claims: the publisher has earned ETH and the demo token; a third currency makes three.
{
  const secondContent = await publish(secondToken.address, PRICE_TOKEN, []);
  await buy(secondContent.contentId, 0n, secondToken.address, PRICE_TOKEN, await freshBuyer());
  const claimOne = await market.write.claim([[zeroAddress], publisher.account.address], {
    account: publisher.account,
  });
  record("claim, one currency (ETH)", await gasOf(claimOne));
  for (const [content, currency, price] of [
    [ethContent.contentId, zeroAddress, PRICE_ETH],
    [tokenContent.contentId, demoToken.address, PRICE_TOKEN],
  ] as const) {
    await buy(content, 0n, currency, price, await freshBuyer());
  }
  const claimThree = await market.write.claim(
    [[zeroAddress, demoToken.address, secondToken.address], publisher.account.address],
    { account: publisher.account },
  );
  record("claim, three currencies (ETH + 2 ERC-20)", await gasOf(claimThree));
}

const table = markdownTable(["operation", "gas", "note"], rows);
console.log(table);
await writeBenchmarkSection(
  "gas",
  `## Gas per operation

\`npm run bench:gas\`, Hardhat in-process network, solc 0.8.30 (via IR, 10,000 runs), protocol fee 0. Buyers are
fresh accounts (their license balance starts at zero); ancestors already hold a reward balance in the currency.

${table}

Targets: purchase at depth 0 at most 95k, each further level at most 15k, claim at most 35k. For comparison, Unlock
documents about 160k gas for an ETH purchase that pays a single referrer; a depth-1 ETH purchase here is about 103k.

Where it comes from: the market is also the ERC-721, so a purchase mints in place with no external call. Each
license's owner, content id, parent and generation share one storage slot (as Solady packs \`extraData\` beside the
owner), so a mint writes two fresh slots (the record and the buyer's balance), and each lineage level reads one slot
and updates one existing (non-zero) balance. The market's own state a purchase needs (treasury, fee, token counter, pause flag) is
one slot; a content's price, currency, payout, depth and flags are two, and the reward schedule (8 × 16 bits) a third,
read only when a referrer is given. Rewards are credited, never sent: a claim pays them out later. An ERC-20 purchase
adds the token transfer and two balance reads, which refuse fee-on-transfer tokens.`,
);
