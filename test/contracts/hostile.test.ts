import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { buy, deployMarket, ETH, ETH_PRICE, publish } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** HostileReceiver's modes, in declaration order. */
const Mode = { Accept: 0, Revert: 1, ReenterClaim: 2, ReenterPurchase: 3 } as const;

/**
 * Content 1 is free, so that a re-entrant purchase of it could only fail because of the guard. The hostile
 * contract holds a license of the priced content 2 and has earned a level-1 reward from buyers[0].
 */
async function hostileFixture() {
  const d = await deployMarket(connection);
  const freeContent = await publish(d, { price: 0n });
  const pricedContent = await publish(d);
  const hostile = await connection.viem.deployContract("HostileReceiver", [d.market.address]);
  await hostile.write.buy([pricedContent, 0n], { value: ETH_PRICE });
  const hostileToken = await d.market.read.totalSupply();
  await hostile.write.setMode([Mode.Revert]);
  await buy(d, d.buyers[0], pricedContent, hostileToken);
  const reward = ETH_PRICE / 10n;
  return { ...d, hostile, freeContent, pricedContent, hostileToken, reward };
}

describe("hostile receivers", () => {
  it("a purchase crediting a reverting receiver still succeeds", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), f.reward);
    const hash = f.market.write.purchase(
      [f.pricedContent, f.hostileToken, f.buyers[1].account.address, ETH, ETH_PRICE],
      {
        account: f.buyers[1].account,
        value: ETH_PRICE,
      },
    );
    await viem.assertions.emitWithArgs(hash, f.market, "RewardCredited", [
      f.hostile.address,
      ETH,
      (await f.market.read.totalSupply()) + 1n,
      f.hostileToken,
      1n,
      f.reward,
    ]);
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), 2n * f.reward);
  });

  it("its own claim fails with its revert reason and leaves the balance", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await viem.assertions.revertWithCustomError(
      f.hostile.write.claimTo([[ETH], f.hostile.address]),
      f.hostile,
      "Refused",
    );
    // Nobody may claim on its behalf until it allows it, and then the payment fails the same way.
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claimFor([f.hostile.address, [ETH]], { account: f.outsider.account }),
      f.market,
      "ClaimForNotAllowed",
      [f.hostile.address],
    );
    await f.hostile.write.allowClaimFor([true]);
    await viem.assertions.revertWithCustomError(
      f.market.write.claimFor([f.hostile.address, [ETH]], { account: f.outsider.account }),
      f.hostile,
      "Refused",
    );
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), f.reward);
  });

  it("it can still claim to another address", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await viem.assertions.balancesHaveChanged(f.hostile.write.claimTo([[ETH], f.outsider.account.address]), [
      { address: f.outsider.account.address, amount: f.reward },
    ]);
  });

  it("others keep claiming while it refuses", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await viem.assertions.balancesHaveChanged(
      f.market.write.claim([[ETH], f.publisher.account.address], { account: f.publisher.account }),
      [{ address: f.publisher.account.address, amount: 2n * ETH_PRICE - f.reward }],
    );
  });

  it("a reverting payout never blocks a sale", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await f.market.write.setPayout([f.pricedContent, f.hostile.address], { account: f.publisher.account });
    await buy(f, f.buyers[1], f.pricedContent);
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), f.reward + ETH_PRICE);
  });

  it("a recipient may refuse its own license", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await viem.assertions.revertWithCustomError(
      f.market.write.purchase([f.pricedContent, 0n, f.hostile.address, ETH, ETH_PRICE], {
        account: f.buyers[1].account,
        value: ETH_PRICE,
      }),
      f.hostile,
      "Refused",
    );
  });

  it("re-entering claim from the ETH transfer is blocked; the outer claim pays once", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await f.hostile.write.setMode([Mode.ReenterClaim]);
    await viem.assertions.balancesHaveChanged(f.hostile.write.claimTo([[ETH], f.hostile.address]), [
      { address: f.hostile.address, amount: f.reward },
      { address: f.market.address, amount: -f.reward },
    ]);
    assert.equal(await f.hostile.read.reentryBlocked(), true);
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), 0n);
  });

  it("re-entering claim while receiving a license is blocked, though the balance was claimable", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await f.hostile.write.setMode([Mode.ReenterClaim]);
    await f.hostile.write.buy([f.freeContent, 0n]);
    assert.equal(await f.hostile.read.reentryBlocked(), true);
    assert.equal(await f.market.read.claimable([f.hostile.address, ETH]), f.reward);
  });

  it("re-entering purchase while receiving a license is blocked, though the content is free", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await f.hostile.write.setMode([Mode.ReenterPurchase]);
    const supply = await f.market.read.totalSupply();
    await f.hostile.write.buy([f.pricedContent, 0n], { value: ETH_PRICE });
    assert.equal(await f.hostile.read.reentryBlocked(), true);
    assert.equal(await f.market.read.totalSupply(), supply + 1n);
    assert.equal(await f.market.read.balanceOf([f.hostile.address]), 2n);
  });

  it("without re-entry the flag stays down, so the checks above can fail", async () => {
    const f = await networkHelpers.loadFixture(hostileFixture);
    await f.hostile.write.setMode([Mode.Accept]);
    await f.hostile.write.buy([f.freeContent, 0n]);
    await f.hostile.write.claimTo([[ETH], f.hostile.address]);
    assert.equal(await f.hostile.read.reentryBlocked(), false);
  });
});
