import { type Context, ponder } from "ponder:registry";
import {
  balance,
  chainMeta,
  claim,
  content,
  contentSales,
  credit,
  currency,
  license,
  market,
  transfer,
} from "ponder:schema";
import { zeroAddress } from "viem";

// Ponder delivers one purchase's events in log order: RewardCredited for each paid level, then the mint's
// Transfer, then LicensePurchased. So the license row is written by LicensePurchased, and the mint's Transfer
// only records the transfer.

type Db = Context["db"];

const MARKET_ROW = 0;

async function creditBalance(
  db: Db,
  account: `0x${string}`,
  currencyAddress: `0x${string}`,
  part: "rewards" | "payouts" | "fees",
  amount: bigint,
) {
  await db
    .insert(balance)
    .values({
      account,
      currency: currencyAddress,
      claimable: amount,
      rewards: part === "rewards" ? amount : 0n,
      payouts: part === "payouts" ? amount : 0n,
      fees: part === "fees" ? amount : 0n,
      claimed: 0n,
    })
    .onConflictDoUpdate((row) => ({ claimable: row.claimable + amount, [part]: row[part] + amount }));
}

async function seeCurrency(db: Db, address: `0x${string}`, blockNumber: bigint) {
  await db.insert(currency).values({ address, firstBlock: blockNumber }).onConflictDoNothing();
}

async function marketRow(db: Db) {
  return (
    (await db.find(market, { id: MARKET_ROW })) ?? {
      id: MARKET_ROW,
      treasury: zeroAddress,
      feeBps: 0,
      paused: false,
    }
  );
}

ponder.on("DeployBlock:block", async ({ event, context }) => {
  await context.db.insert(chainMeta).values({
    id: 0,
    chainId: context.chain.id,
    market: context.contracts.SuperdistMarket.address as `0x${string}`,
    deployBlock: event.block.number,
    deployBlockHash: event.block.hash,
  });
});

ponder.on("SuperdistMarket:ContentPublished", async ({ event, context }) => {
  const { args } = event;
  await context.db.insert(content).values({
    contentId: args.contentId,
    publisher: args.publisher,
    payout: args.payout,
    currency: args.currency,
    price: args.price,
    rewardBps: [...args.rewardBps],
    royaltyBps: args.royaltyBps,
    transferable: args.transferable,
    paused: false,
    keyCommitment: args.keyCommitment,
    verifierRecipient: args.verifierRecipient,
    title: args.title,
    metadataUri: args.metadataURI,
    sold: 0,
    publishedBlock: event.block.number,
    publishedAt: event.block.timestamp,
    publishedTx: event.transaction.hash,
  });
  await seeCurrency(context.db, args.currency, event.block.number);
});

ponder.on("SuperdistMarket:ContentRepriced", async ({ event, context }) => {
  const { contentId, currency: currencyAddress, price } = event.args;
  await context.db.update(content, { contentId }).set({ currency: currencyAddress, price });
  await seeCurrency(context.db, currencyAddress, event.block.number);
});

ponder.on("SuperdistMarket:RewardScheduleUpdated", async ({ event, context }) => {
  await context.db
    .update(content, { contentId: event.args.contentId })
    .set({ rewardBps: [...event.args.rewardBps] });
});

ponder.on("SuperdistMarket:PayoutUpdated", async ({ event, context }) => {
  await context.db.update(content, { contentId: event.args.contentId }).set({ payout: event.args.payout });
});

ponder.on("SuperdistMarket:ContentMetadataUpdated", async ({ event, context }) => {
  await context.db
    .update(content, { contentId: event.args.contentId })
    .set({ metadataUri: event.args.metadataURI });
});

ponder.on("SuperdistMarket:ContentPauseSet", async ({ event, context }) => {
  await context.db.update(content, { contentId: event.args.contentId }).set({ paused: event.args.paused });
});

ponder.on("SuperdistMarket:PublisherTransferred", async ({ event, context }) => {
  await context.db
    .update(content, { contentId: event.args.contentId })
    .set({ publisher: event.args.newPublisher });
});

ponder.on("SuperdistMarket:ProtocolFeeUpdated", async ({ event, context }) => {
  const row = await marketRow(context.db);
  await context.db
    .insert(market)
    .values({ ...row, treasury: event.args.treasury, feeBps: Number(event.args.bps) })
    .onConflictDoUpdate({ treasury: event.args.treasury, feeBps: Number(event.args.bps) });
});

ponder.on("SuperdistMarket:MarketPauseSet", async ({ event, context }) => {
  const row = await marketRow(context.db);
  await context.db
    .insert(market)
    .values({ ...row, paused: event.args.paused })
    .onConflictDoUpdate({ paused: event.args.paused });
});

ponder.on("SuperdistMarket:RewardCredited", async ({ event, context }) => {
  const { args } = event;
  await context.db.insert(credit).values({
    id: event.id,
    account: args.account,
    currency: args.currency,
    tokenId: args.tokenId,
    ancestorTokenId: args.ancestorTokenId,
    level: Number(args.level),
    amount: args.amount,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await creditBalance(context.db, args.account, args.currency, "rewards", args.amount);
});

ponder.on("SuperdistMarket:Transfer", async ({ event, context }) => {
  const { from, to, tokenId } = event.args;
  await context.db.insert(transfer).values({
    id: event.id,
    tokenId,
    from,
    to,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  // A mint's license row does not exist yet; LicensePurchased, which follows, writes it with its owner.
  if (from !== zeroAddress) await context.db.update(license, { tokenId }).set({ owner: to });
});

ponder.on("SuperdistMarket:LicensePurchased", async ({ event, context }) => {
  const { args } = event;
  const parent = args.parent === 0n ? null : await context.db.find(license, { tokenId: args.parent });
  if (args.parent !== 0n && !parent)
    throw new Error(`license ${args.tokenId} names unknown parent ${args.parent}`);
  await context.db.insert(license).values({
    tokenId: args.tokenId,
    contentId: args.contentId,
    owner: args.recipient,
    parent: args.parent,
    // The market saturates generations at 2^16 - 1, so the index does too.
    generation: parent ? Math.min(parent.generation + 1, 0xffff) : 0,
    root: parent ? parent.root : args.tokenId,
    path: `${parent ? parent.path : ""}${args.tokenId}/`,
    payer: args.payer,
    recipient: args.recipient,
    currency: args.currency,
    price: args.price,
    payout: args.payout,
    payoutAmount: args.payoutAmount,
    protocolFee: args.protocolFee,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await context.db.update(content, { contentId: args.contentId }).set((row) => ({ sold: row.sold + 1 }));
  await context.db
    .insert(contentSales)
    .values({ contentId: args.contentId, currency: args.currency, count: 1, revenue: args.price })
    .onConflictDoUpdate((row) => ({ count: row.count + 1, revenue: row.revenue + args.price }));
  await creditBalance(context.db, args.payout, args.currency, "payouts", args.payoutAmount);
  if (args.protocolFee !== 0n) {
    const { treasury } = await marketRow(context.db);
    await creditBalance(context.db, treasury, args.currency, "fees", args.protocolFee);
  }
});

ponder.on("SuperdistMarket:Claimed", async ({ event, context }) => {
  const { args } = event;
  await context.db.insert(claim).values({
    id: event.id,
    account: args.account,
    currency: args.currency,
    to: args.to,
    amount: args.amount,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    transactionHash: event.transaction.hash,
  });
  await context.db
    .update(balance, { account: args.account, currency: args.currency })
    .set((row) => ({ claimable: row.claimable - args.amount, claimed: row.claimed + args.amount }));
});
