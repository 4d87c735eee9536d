import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toHex, zeroAddress } from "viem";
import { deployMarket, ETH, ETH_PRICE, FIVE_LEVELS, publish, publishParams } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function marketFixture() {
  return deployMarket(connection);
}

/** One ETH content with the five-level schedule, published by `publisher`. */
async function publishedFixture() {
  const d = await deployMarket(connection);
  const contentId = await publish(d);
  return { ...d, contentId };
}

describe("publish", () => {
  it("registers the content, numbers it from 1 and emits ContentPublished", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    assert.equal(await d.market.read.contentCount(), 0n);
    const params = publishParams(d.treasury.account.address, {
      price: 42n,
      currency: d.token.address,
      royaltyBps: 2500,
      transferable: false,
      keyCommitment: keccak256(toHex("file key")),
      verifierRecipient: "age1qqqq",
      title: 'A "quoted" title',
      metadataURI: "ipfs://meta",
    });
    const { result } = await d.market.simulate.publish([params], {
      account: d.publisher.account.address,
    });
    assert.equal(result, 1n);
    const hash = await d.market.write.publish([params], { account: d.publisher.account });
    await viem.assertions.emitWithArgs(hash, d.market, "ContentPublished", [
      1n,
      d.publisher.account.address,
      d.token.address,
      42n,
      [...FIVE_LEVELS],
      d.treasury.account.address,
      2500,
      false,
      params.keyCommitment,
      "age1qqqq",
      'A "quoted" title',
      "ipfs://meta",
    ]);
    assert.equal(await d.market.read.contentCount(), 1n);
    assert.deepEqual(await d.market.read.content([1n]), {
      publisher: d.publisher.account.address,
      payout: d.treasury.account.address,
      currency: d.token.address,
      price: 42n,
      rewardBps: [...FIVE_LEVELS],
      royaltyBps: 2500,
      transferable: false,
      paused: false,
      keyCommitment: params.keyCommitment,
      verifierRecipient: "age1qqqq",
      title: 'A "quoted" title',
      metadataURI: "ipfs://meta",
    });
    assert.equal(await publish(d), 2n);
  });

  it("accepts eight levels summing to 95%, and an empty schedule", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    const eight = [2000, 2000, 1500, 1500, 1000, 1000, 250, 250];
    const full = await publish(d, { rewardBps: eight });
    assert.deepEqual((await d.market.read.content([full])).rewardBps, eight);
    const none = await publish(d, { rewardBps: [] });
    assert.deepEqual((await d.market.read.content([none])).rewardBps, []);
  });

  it("reverts with ScheduleTooDeep for nine levels", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    assert.equal(await d.market.read.MAX_DEPTH(), 8n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.publish([publishParams(d.publisher.account.address, { rewardBps: Array(9).fill(1) })], {
        account: d.publisher.account,
      }),
      d.market,
      "ScheduleTooDeep",
      [9n, 8n],
    );
  });

  it("reverts with RewardsExceedLimit when the levels leave no room for the fee cap", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.publish([publishParams(d.publisher.account.address, { rewardBps: [9000, 501] })], {
        account: d.publisher.account,
      }),
      d.market,
      "RewardsExceedLimit",
      [9501n, 9500n],
    );
  });

  it("reverts with RoyaltyTooHigh above 25%", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    assert.equal(await d.market.read.MAX_ROYALTY_BPS(), 2500n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.publish([publishParams(d.publisher.account.address, { royaltyBps: 2501 })], {
        account: d.publisher.account,
      }),
      d.market,
      "RoyaltyTooHigh",
      [2501n, 2500n],
    );
  });

  it("reverts with ZeroAddress for a zero payout", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    await viem.assertions.revertWithCustomError(
      d.market.write.publish([publishParams(zeroAddress)], { account: d.publisher.account }),
      d.market,
      "ZeroAddress",
    );
  });

  it("reverts with MarketPaused while the market is paused", async () => {
    const d = await networkHelpers.loadFixture(marketFixture);
    await d.market.write.pause();
    await viem.assertions.revertWithCustomError(
      d.market.write.publish([publishParams(d.publisher.account.address)], { account: d.publisher.account }),
      d.market,
      "MarketPaused",
    );
  });
});

describe("publisher administration", () => {
  it("setPrice changes price and currency and emits ContentRepriced", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    const hash = d.market.write.setPrice([d.contentId, d.token.address, 7n], {
      account: d.publisher.account,
    });
    await viem.assertions.emitWithArgs(hash, d.market, "ContentRepriced", [d.contentId, d.token.address, 7n]);
    const c = await d.market.read.content([d.contentId]);
    assert.equal(c.price, 7n);
    assert.equal(c.currency, d.token.address);
  });

  it("setRewardSchedule replaces the schedule and emits RewardScheduleUpdated", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    const hash = d.market.write.setRewardSchedule([d.contentId, [300, 0, 200]], {
      account: d.publisher.account,
    });
    await viem.assertions.emitWithArgs(hash, d.market, "RewardScheduleUpdated", [d.contentId, [300, 0, 200]]);
    assert.deepEqual((await d.market.read.content([d.contentId])).rewardBps, [300, 0, 200]);
  });

  it("setRewardSchedule validates like publish", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setRewardSchedule([d.contentId, Array(9).fill(0)], { account: d.publisher.account }),
      d.market,
      "ScheduleTooDeep",
      [9n, 8n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setRewardSchedule([d.contentId, [9501]], { account: d.publisher.account }),
      d.market,
      "RewardsExceedLimit",
      [9501n, 9500n],
    );
  });

  it("setPayout moves the publisher's share and emits PayoutUpdated", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    const newPayout = d.outsider.account.address;
    const hash = d.market.write.setPayout([d.contentId, newPayout], { account: d.publisher.account });
    await viem.assertions.emitWithArgs(hash, d.market, "PayoutUpdated", [d.contentId, newPayout]);
    await d.market.write.purchase([d.contentId, 0n, d.buyers[0].account.address, ETH, ETH_PRICE], {
      account: d.buyers[0].account,
      value: ETH_PRICE,
    });
    assert.equal(await d.market.read.claimable([newPayout, ETH]), ETH_PRICE);
    assert.equal(await d.market.read.claimable([d.publisher.account.address, ETH]), 0n);
    await viem.assertions.revertWithCustomError(
      d.market.write.setPayout([d.contentId, zeroAddress], { account: d.publisher.account }),
      d.market,
      "ZeroAddress",
    );
  });

  it("setMetadataURI emits ContentMetadataUpdated", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    const hash = d.market.write.setMetadataURI([d.contentId, "ipfs://v2"], { account: d.publisher.account });
    await viem.assertions.emitWithArgs(hash, d.market, "ContentMetadataUpdated", [d.contentId, "ipfs://v2"]);
    assert.equal((await d.market.read.content([d.contentId])).metadataURI, "ipfs://v2");
  });

  it("setContentPaused pauses and resumes sales, emitting ContentPauseSet", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    await viem.assertions.emitWithArgs(
      d.market.write.setContentPaused([d.contentId, true], { account: d.publisher.account }),
      d.market,
      "ContentPauseSet",
      [d.contentId, true],
    );
    assert.equal((await d.market.read.content([d.contentId])).paused, true);
    await viem.assertions.emitWithArgs(
      d.market.write.setContentPaused([d.contentId, false], { account: d.publisher.account }),
      d.market,
      "ContentPauseSet",
      [d.contentId, false],
    );
    assert.equal((await d.market.read.content([d.contentId])).paused, false);
  });

  it("transferPublisher hands the content over; the old publisher loses control", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    const next = d.outsider;
    await viem.assertions.emitWithArgs(
      d.market.write.transferPublisher([d.contentId, next.account.address], { account: d.publisher.account }),
      d.market,
      "PublisherTransferred",
      [d.contentId, d.publisher.account.address, next.account.address],
    );
    assert.equal((await d.market.read.content([d.contentId])).publisher, next.account.address);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setPrice([d.contentId, ETH, 1n], { account: d.publisher.account }),
      d.market,
      "NotPublisher",
      [d.contentId, d.publisher.account.address],
    );
    await d.market.write.setPrice([d.contentId, ETH, 1n], { account: next.account });
    await viem.assertions.revertWithCustomError(
      d.market.write.transferPublisher([d.contentId, zeroAddress], { account: next.account }),
      d.market,
      "ZeroAddress",
    );
  });

  const adminCalls = [
    {
      name: "setPrice",
      call: (d: Deployed, id: bigint, o: Opts) => d.market.write.setPrice([id, ETH, 1n], o),
    },
    {
      name: "setRewardSchedule",
      call: (d: Deployed, id: bigint, o: Opts) => d.market.write.setRewardSchedule([id, [1]], o),
    },
    {
      name: "setPayout",
      call: (d: Deployed, id: bigint, o: Opts) => d.market.write.setPayout([id, o.account.address], o),
    },
    {
      name: "setMetadataURI",
      call: (d: Deployed, id: bigint, o: Opts) => d.market.write.setMetadataURI([id, "x"], o),
    },
    {
      name: "setContentPaused",
      call: (d: Deployed, id: bigint, o: Opts) => d.market.write.setContentPaused([id, true], o),
    },
    {
      name: "transferPublisher",
      call: (d: Deployed, id: bigint, o: Opts) =>
        d.market.write.transferPublisher([id, o.account.address], o),
    },
  ];

  for (const { name, call } of adminCalls) {
    it(`${name} reverts with NotPublisher for anyone else, and ContentNotFound for a missing content`, async () => {
      const d = await networkHelpers.loadFixture(publishedFixture);
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(d, d.contentId, { account: d.outsider.account }),
        d.market,
        "NotPublisher",
        [d.contentId, d.outsider.account.address],
      );
      // The market owner has no say over a publisher's content either.
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(d, d.contentId, { account: d.owner.account }),
        d.market,
        "NotPublisher",
        [d.contentId, d.owner.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(d, 2n, { account: d.publisher.account }),
        d.market,
        "ContentNotFound",
        [2n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        call(d, 0n, { account: d.publisher.account }),
        d.market,
        "ContentNotFound",
        [0n],
      );
    });
  }

  it("content() reverts with ContentNotFound for id 0 and past the count", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    for (const id of [0n, 2n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        d.market.read.content([id]),
        d.market,
        "ContentNotFound",
        [id],
      );
    }
  });

  it("events carry enough to rebuild the content from logs", async () => {
    const d = await networkHelpers.loadFixture(publishedFixture);
    await d.market.write.setPrice([d.contentId, d.token.address, 9n], { account: d.publisher.account });
    await d.market.write.setRewardSchedule([d.contentId, [100]], { account: d.publisher.account });
    const logs = parseEventLogs({
      abi: d.market.abi,
      logs: await d.publicClient.getLogs({ address: d.market.address, fromBlock: 0n }),
    });
    const names = logs.map((log) => log.eventName);
    assert.deepEqual(names.slice(-3), ["ContentPublished", "ContentRepriced", "RewardScheduleUpdated"]);
  });
});

type Deployed = Awaited<ReturnType<typeof publishedFixture>>;
type Opts = { account: Deployed["owner"]["account"] };
