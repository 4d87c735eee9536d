import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { type Address, type Hash, parseEventLogs } from "viem";
import {
  buy,
  buyChain,
  type Deployed,
  deployMarket,
  ETH,
  ETH_PRICE,
  FIVE_LEVELS,
  publish,
  TOKEN_PRICE,
} from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

const FEE_BPS = 250;

/** Six licenses in a line (buyers 0..5), for ETH and for the demo token, with a 2.5% protocol fee. */
async function sixGenerationsFixture() {
  const d = await deployMarket(connection);
  await d.market.write.setProtocolFee([d.treasury.account.address, FEE_BPS]);
  const ethContent = await publish(d);
  const tokenContent = await publish(d, { currency: d.token.address, price: TOKEN_PRICE });
  const ethTokens = await buyChain(d, ethContent, 6);
  const tokenTokens = await buyChain(d, tokenContent, 6);
  return { ...d, ethContent, tokenContent, ethTokens, tokenTokens };
}

async function rewardLogs(d: Deployed, hash: Hash) {
  const receipt = await d.publicClient.waitForTransactionReceipt({ hash });
  return parseEventLogs({ abi: d.market.abi, logs: receipt.logs, eventName: "RewardCredited" }).map(
    (log) => log.args,
  );
}

async function claimables(d: Deployed, accounts: Address[], currency: Address) {
  return Promise.all(accounts.map((account) => d.market.read.claimable([account, currency])));
}

describe("lineage rewards", () => {
  const cases = [
    {
      name: "ETH",
      price: ETH_PRICE,
      // 10%, 5%, 3%, 2%, 1% of 1 ether, fee 2.5%, the publisher keeps the rest.
      levels: [10n ** 17n, 5n * 10n ** 16n, 3n * 10n ** 16n, 2n * 10n ** 16n, 10n ** 16n],
      fee: 25n * 10n ** 15n,
      payout: 765n * 10n ** 15n,
      pick: (f: Awaited<ReturnType<typeof sixGenerationsFixture>>) => ({
        contentId: f.ethContent,
        tokens: f.ethTokens,
        currency: ETH,
      }),
    },
    {
      name: "an ERC-20",
      price: TOKEN_PRICE,
      // Each level rounds down; the dropped remainders stay with the publisher.
      levels: [1_234_567n, 617_283n, 370_370n, 246_913n, 123_456n],
      fee: 308_641n,
      payout: 9_444_448n,
      pick: (f: Awaited<ReturnType<typeof sixGenerationsFixture>>) => ({
        contentId: f.tokenContent,
        tokens: f.tokenTokens,
        currency: f.token.address,
      }),
    },
  ];

  for (const c of cases) {
    it(`credits five levels exactly, and not the sixth, with ${c.name}`, async () => {
      const f = await networkHelpers.loadFixture(sixGenerationsFixture);
      const { contentId, tokens, currency } = c.pick(f);
      const [b0, b1, b2, b3, b4, b5, buyer] = f.buyers;
      // Level 1 is the holder of the referrer token (token 6, buyer 5); level 6 (buyer 0) is past the depth.
      const ancestors = [b5, b4, b3, b2, b1].map((w) => w.account.address);
      const everyone = [
        ...ancestors,
        b0.account.address,
        f.publisher.account.address,
        f.treasury.account.address,
      ];
      const before = await claimables(f, everyone, currency);
      const marketBefore =
        currency === ETH
          ? await f.publicClient.getBalance({ address: f.market.address })
          : await f.token.read.balanceOf([f.market.address]);

      const hash = await f.market.write.purchase(
        [contentId, tokens[5], buyer.account.address, currency, c.price],
        {
          account: buyer.account,
          value: currency === ETH ? c.price : 0n,
        },
      );
      const newToken = await f.market.read.totalSupply();
      assert.equal(await f.market.read.ownerOf([newToken]), buyer.account.address);

      const after = await claimables(f, everyone, currency);
      const delta = after.map((v, i) => v - before[i]);
      assert.deepEqual(delta, [...c.levels, 0n, c.payout, c.fee]);
      assert.equal(c.levels.reduce((a, b) => a + b, 0n) + c.fee + c.payout, c.price);

      const logs = await rewardLogs(f, hash);
      assert.deepEqual(
        logs,
        c.levels.map((amount, i) => ({
          account: ancestors[i],
          currency,
          tokenId: newToken,
          ancestorTokenId: tokens[4 - i + 1],
          level: BigInt(i + 1),
          amount,
        })),
      );
      await viem.assertions.emitWithArgs(hash, f.market, "LicensePurchased", [
        newToken,
        contentId,
        tokens[5],
        buyer.account.address,
        buyer.account.address,
        currency,
        c.price,
        f.publisher.account.address,
        c.payout,
        c.fee,
      ]);

      const marketAfter =
        currency === ETH
          ? await f.publicClient.getBalance({ address: f.market.address })
          : await f.token.read.balanceOf([f.market.address]);
      assert.equal(marketAfter - marketBefore, c.price);
      assert.deepEqual(await f.market.read.license([newToken]), {
        owner: buyer.account.address,
        contentId,
        parent: tokens[5],
        generation: 6n,
      });
    });
  }

  it("pays the buyer's ERC-20 from their balance", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const buyer = f.buyers[6];
    const before = await f.token.read.balanceOf([buyer.account.address]);
    await buy(f, buyer, f.tokenContent, f.tokenTokens[5]);
    assert.equal(before - (await f.token.read.balanceOf([buyer.account.address])), TOKEN_PRICE);
  });

  it("ETH leaves the buyer and reaches the market", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const buyer = f.buyers[6];
    await viem.assertions.balancesHaveChanged(
      f.market.write.purchase([f.ethContent, f.ethTokens[5], buyer.account.address, ETH, ETH_PRICE], {
        account: buyer.account,
        value: ETH_PRICE,
      }),
      [
        { address: buyer.account.address, amount: -ETH_PRICE },
        { address: f.market.address, amount: ETH_PRICE },
      ],
    );
  });

  it("pays the new owner of an ancestor token after a transfer", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const [b0, , , , , , buyer, newOwner] = f.buyers;
    // Token 1 (buyer 0) is level 5 of a purchase through token 5.
    await f.market.write.transferFrom([b0.account.address, newOwner.account.address, f.ethTokens[0]], {
      account: b0.account,
    });
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[4], buyer.account.address, ETH, ETH_PRICE],
      {
        account: buyer.account,
        value: ETH_PRICE,
      },
    );
    await viem.assertions.emitWithArgs(hash, f.market, "RewardCredited", [
      newOwner.account.address,
      ETH,
      await f.market.read.totalSupply(),
      f.ethTokens[0],
      5n,
      (ETH_PRICE * BigInt(FIVE_LEVELS[4])) / 10_000n,
    ]);
    const logs = await rewardLogs(f, hash);
    assert.equal(logs.length, 5);
    assert.ok(logs.every((log) => log.account !== b0.account.address));
  });

  it("skips an ancestor the payer owns and gives its share to the publisher", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const [, , , b3, b4, b5, recipient] = f.buyers;
    // Buyer 3 holds token 4, level 2 of a purchase through token 5; buying a gift for someone else earns nothing.
    const publisherBefore = await f.market.read.claimable([f.publisher.account.address, ETH]);
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[4], recipient.account.address, ETH, ETH_PRICE],
      { account: b3.account, value: ETH_PRICE },
    );
    const logs = await rewardLogs(f, hash);
    assert.deepEqual(
      logs.map((log) => [log.account, log.level]),
      [
        [b4.account.address, 1n],
        [f.buyers[2].account.address, 3n],
        [f.buyers[1].account.address, 4n],
        [f.buyers[0].account.address, 5n],
      ],
    );
    assert.ok(logs.every((log) => log.account !== b5.account.address));
    const paid = logs.reduce((sum, log) => sum + log.amount, 0n);
    const fee = (ETH_PRICE * BigInt(FEE_BPS)) / 10_000n;
    const allLevels = FIVE_LEVELS.reduce((sum, bps) => sum + (ETH_PRICE * BigInt(bps)) / 10_000n, 0n);
    const levelTwo = (ETH_PRICE * BigInt(FIVE_LEVELS[1])) / 10_000n;
    assert.equal(paid, allLevels - levelTwo);
    assert.equal(
      (await f.market.read.claimable([f.publisher.account.address, ETH])) - publisherBefore,
      ETH_PRICE - paid - fee,
    );
  });

  it("skips an ancestor the recipient owns", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const [, , , , b4, , payer] = f.buyers;
    // Buyer 4 holds token 5, level 1 of a purchase through token 5; a friend buys buyer 4 a second license.
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[4], b4.account.address, ETH, ETH_PRICE],
      {
        account: payer.account,
        value: ETH_PRICE,
      },
    );
    const logs = await rewardLogs(f, hash);
    assert.deepEqual(
      logs.map((log) => log.level),
      [2n, 3n, 4n, 5n],
    );
    assert.ok(logs.every((log) => log.account !== b4.account.address));
  });

  it("pays nothing up the lineage when the schedule is empty, and the publisher keeps all but the fee", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    await f.market.write.setRewardSchedule([f.ethContent, []], { account: f.publisher.account });
    const before = await f.market.read.claimable([f.publisher.account.address, ETH]);
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[5], f.buyers[6].account.address, ETH, ETH_PRICE],
      { account: f.buyers[6].account, value: ETH_PRICE },
    );
    assert.deepEqual(await rewardLogs(f, hash), []);
    const fee = (ETH_PRICE * BigInt(FEE_BPS)) / 10_000n;
    assert.equal(
      (await f.market.read.claimable([f.publisher.account.address, ETH])) - before,
      ETH_PRICE - fee,
    );
    // The lineage is still recorded, even though it paid nothing.
    assert.equal((await f.market.read.license([await f.market.read.totalSupply()])).parent, f.ethTokens[5]);
  });

  it("skips levels whose rate is zero", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    await f.market.write.setRewardSchedule([f.ethContent, [0, 700]], { account: f.publisher.account });
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[5], f.buyers[6].account.address, ETH, ETH_PRICE],
      { account: f.buyers[6].account, value: ETH_PRICE },
    );
    const logs = await rewardLogs(f, hash);
    assert.deepEqual(
      logs.map((log) => [log.account, log.level, log.amount]),
      [[f.buyers[4].account.address, 2n, (ETH_PRICE * 700n) / 10_000n]],
    );
  });

  it("stops at the root when the lineage is shorter than the schedule", async () => {
    const f = await networkHelpers.loadFixture(sixGenerationsFixture);
    const hash = await f.market.write.purchase(
      [f.ethContent, f.ethTokens[1], f.buyers[6].account.address, ETH, ETH_PRICE],
      { account: f.buyers[6].account, value: ETH_PRICE },
    );
    const logs = await rewardLogs(f, hash);
    assert.deepEqual(
      logs.map((log) => [log.account, log.ancestorTokenId, log.level]),
      [
        [f.buyers[1].account.address, f.ethTokens[1], 1n],
        [f.buyers[0].account.address, f.ethTokens[0], 2n],
      ],
    );
  });

  it("pays a full eight-level schedule summing to the cap", async () => {
    const d = await networkHelpers.loadFixture(deployMarketFixture);
    const schedule = [2000, 2000, 1500, 1500, 1000, 1000, 250, 250];
    const contentId = await publish(d, { rewardBps: schedule });
    const tokens = await buyChain(d, contentId, 9);
    const publisherBefore = await d.market.read.claimable([d.publisher.account.address, ETH]);
    const hash = await d.market.write.purchase(
      [contentId, tokens[8], d.buyers[9].account.address, ETH, ETH_PRICE],
      { account: d.buyers[9].account, value: ETH_PRICE },
    );
    const logs = await rewardLogs(d, hash);
    assert.deepEqual(
      logs.map((log) => log.amount),
      schedule.map((bps) => (ETH_PRICE * BigInt(bps)) / 10_000n),
    );
    assert.deepEqual(
      logs.map((log) => log.account),
      [8, 7, 6, 5, 4, 3, 2, 1].map((i) => d.buyers[i].account.address),
    );
    // Without a protocol fee the publisher keeps what the 95% of rewards leave.
    const publisherAfter = await d.market.read.claimable([d.publisher.account.address, ETH]);
    assert.equal(publisherAfter - publisherBefore, ETH_PRICE / 20n);
  });
});

async function deployMarketFixture() {
  return deployMarket(connection);
}
