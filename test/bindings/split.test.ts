import assert from "node:assert/strict";
import { type SplitParameters, splitPurchase } from "@superdist/contracts";
import { type Address, getAddress } from "viem";
import { describe, test } from "vitest";

const alice = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const bob = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
const carol = getAddress("0x90f79bf6eb2c4f870365e785982e1f101e93b906");
const payer = getAddress("0x15d34aaf54267db7d7c367839aaf71a00a2c6a65");
const gift = getAddress("0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc");

const ancestors = (...owners: Address[]) => owners.map((owner, i) => ({ tokenId: BigInt(i + 10), owner }));

const paid = (split: ReturnType<typeof splitPurchase>) =>
  split.fee + split.publisher + split.levels.reduce((sum, level) => sum + level.amount, 0n);

describe("splitPurchase", () => {
  test("pays each level its share, the protocol its fee, and the publisher the rest", () => {
    const split = splitPurchase({
      price: 1_000_000n,
      rewardBps: [1000, 500],
      feeBps: 250,
      ancestors: ancestors(alice, bob),
      payer,
      recipient: payer,
    });
    assert.deepEqual(split, {
      price: 1_000_000n,
      levels: [
        { level: 1, tokenId: 10n, account: alice, bps: 1000, amount: 100_000n },
        { level: 2, tokenId: 11n, account: bob, bps: 500, amount: 50_000n },
      ],
      fee: 25_000n,
      publisher: 825_000n,
    });
  });

  test("a level held by the payer pays nothing: its share goes to the publisher", () => {
    const split = splitPurchase({
      price: 1_000_000n,
      rewardBps: [1000, 500],
      feeBps: 0,
      // Owners as the chain returns them and the payer as a user typed it: the same account.
      ancestors: ancestors(alice, payer),
      payer: payer.toLowerCase() as Address,
      recipient: gift,
    });
    assert.deepEqual(split.levels[1], {
      level: 2,
      tokenId: 11n,
      account: payer,
      bps: 500,
      amount: 0n,
      skipped: "payer",
    });
    assert.equal(split.levels[0]?.skipped, undefined);
    assert.equal(split.publisher, 900_000n);
  });

  test("a level held by the recipient of a gift pays nothing either", () => {
    const split = splitPurchase({
      price: 2_000n,
      rewardBps: [1000, 1000],
      feeBps: 100,
      ancestors: ancestors(gift, carol),
      payer,
      recipient: gift.toLowerCase() as Address,
    });
    assert.equal(split.levels[0]?.skipped, "recipient");
    assert.equal(split.levels[0]?.amount, 0n);
    assert.equal(split.levels[1]?.amount, 200n);
    assert.equal(split.publisher, 2_000n - 20n - 200n);
  });

  test("only as many levels as both the schedule and the lineage have", () => {
    const base = { price: 10_000n, feeBps: 0, payer, recipient: payer };
    const shallow = splitPurchase({ ...base, rewardBps: [1000, 500, 250], ancestors: ancestors(alice) });
    assert.deepEqual(
      shallow.levels.map((l) => l.level),
      [1],
    );
    assert.equal(shallow.publisher, 9_000n);
    const deep = splitPurchase({ ...base, rewardBps: [1000], ancestors: ancestors(alice, bob, carol) });
    assert.deepEqual(
      deep.levels.map((l) => l.account),
      [alice],
    );
    const direct = splitPurchase({ ...base, rewardBps: [1000], ancestors: [] });
    assert.deepEqual(direct, { price: 10_000n, levels: [], fee: 0n, publisher: 10_000n });
  });

  test("every share rounds down and the publisher gets the remainder, so the parts always add up to the price", () => {
    const odd = splitPurchase({
      price: 999n,
      rewardBps: [3333, 1],
      feeBps: 33,
      ancestors: ancestors(alice, bob),
      payer,
      recipient: payer,
    });
    assert.deepEqual(
      odd.levels.map((l) => l.amount),
      [332n, 0n],
    );
    assert.equal(odd.fee, 3n);
    assert.equal(odd.publisher, 999n - 332n - 3n);
    // Within the market's bounds: a fee of at most 500 bps, rewards of at most the other 9500.
    for (const price of [0n, 1n, 7n, 10_001n, 123_456_789n, 10n ** 30n + 7n]) {
      for (const feeBps of [0, 1, 250, 500]) {
        const parameters: SplitParameters = {
          price,
          rewardBps: [1, 333, 9166],
          feeBps,
          ancestors: ancestors(alice, payer, carol),
          payer,
          recipient: gift,
        };
        const split = splitPurchase(parameters);
        assert.equal(paid(split), price, `price ${price}, fee ${feeBps}`);
        assert.ok(split.publisher >= 0n);
      }
    }
  });
});
