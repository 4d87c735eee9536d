import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { zeroAddress } from "viem";
import { buy, deployMarket, ETH, ETH_PRICE, publish, publishParams, TOKEN_PRICE } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** A content in each currency and one sale of each, so that there is something to claim. */
async function sellingFixture() {
  const d = await deployMarket(connection);
  const ethContent = await publish(d);
  const tokenContent = await publish(d, { currency: d.token.address, price: TOKEN_PRICE });
  await buy(d, d.buyers[0], ethContent);
  await buy(d, d.buyers[0], tokenContent);
  return { ...d, ethContent, tokenContent };
}

describe("protocol fee", () => {
  it("starts at zero, and setProtocolFee sets it and emits ProtocolFeeUpdated", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    assert.deepEqual(await d.market.read.protocolFee(), [zeroAddress, 0]);
    assert.equal(await d.market.read.MAX_PROTOCOL_FEE_BPS(), 500n);
    await viem.assertions.emitWithArgs(
      d.market.write.setProtocolFee([d.treasury.account.address, 500]),
      d.market,
      "ProtocolFeeUpdated",
      [d.treasury.account.address, 500n],
    );
    assert.deepEqual(await d.market.read.protocolFee(), [d.treasury.account.address, 500]);
  });

  it("credits the fee to the treasury, which claims it", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await d.market.write.setProtocolFee([d.treasury.account.address, 300]);
    const ethFee = (ETH_PRICE * 300n) / 10_000n;
    const tokenFee = (TOKEN_PRICE * 300n) / 10_000n;
    const hash = d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, ETH, ETH_PRICE], {
      account: d.buyers[1].account,
      value: ETH_PRICE,
    });
    await viem.assertions.emitWithArgs(hash, d.market, "LicensePurchased", [
      3n,
      d.ethContent,
      0n,
      d.buyers[1].account.address,
      d.buyers[1].account.address,
      ETH,
      ETH_PRICE,
      d.publisher.account.address,
      ETH_PRICE - ethFee,
      ethFee,
    ]);
    await buy(d, d.buyers[1], d.tokenContent);
    const treasury = d.treasury.account.address;
    assert.equal(await d.market.read.claimable([treasury, ETH]), ethFee);
    assert.equal(await d.market.read.claimable([treasury, d.token.address]), tokenFee);
    await viem.assertions.balancesHaveChanged(
      d.market.write.claim([[ETH, d.token.address], treasury], { account: d.treasury.account }),
      [{ address: treasury, amount: ethFee }],
    );
    assert.equal(await d.token.read.balanceOf([treasury]), tokenFee);
  });

  it("reverts with ProtocolFeeAboveCap above 5%", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setProtocolFee([d.treasury.account.address, 501]),
      d.market,
      "ProtocolFeeAboveCap",
      [501n, 500n],
    );
  });

  it("reverts with ZeroAddress for a fee without treasury, but a zero fee needs none", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomError(
      d.market.write.setProtocolFee([zeroAddress, 1]),
      d.market,
      "ZeroAddress",
    );
    await d.market.write.setProtocolFee([d.treasury.account.address, 100]);
    await d.market.write.setProtocolFee([zeroAddress, 0]);
    assert.deepEqual(await d.market.read.protocolFee(), [zeroAddress, 0]);
    await buy(d, d.buyers[1], d.ethContent);
    assert.equal(await d.market.read.claimable([zeroAddress, ETH]), 0n);
  });

  it("is owner-only", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setProtocolFee([d.outsider.account.address, 100], { account: d.outsider.account }),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.outsider.account.address],
    );
  });
});

describe("market pause", () => {
  it("blocks purchases and publishing but not claims, and resumes", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    assert.equal(await d.market.read.paused(), false);
    await viem.assertions.emitWithArgs(d.market.write.pause(), d.market, "MarketPauseSet", [true]);
    assert.equal(await d.market.read.paused(), true);
    await viem.assertions.revertWithCustomError(
      d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "MarketPaused",
    );
    await viem.assertions.revertWithCustomError(
      d.market.write.purchase(
        [d.tokenContent, 0n, d.buyers[1].account.address, d.token.address, TOKEN_PRICE],
        {
          account: d.buyers[1].account,
        },
      ),
      d.market,
      "MarketPaused",
    );
    await viem.assertions.revertWithCustomError(
      d.market.write.publish([publishParams(d.publisher.account.address)], { account: d.publisher.account }),
      d.market,
      "MarketPaused",
    );
    // Publishers still manage their content, and everyone still claims.
    await d.market.write.setPrice([d.ethContent, ETH, 2n], { account: d.publisher.account });
    await viem.assertions.balancesHaveChanged(
      d.market.write.claim([[ETH, d.token.address], d.publisher.account.address], {
        account: d.publisher.account,
      }),
      [{ address: d.publisher.account.address, amount: ETH_PRICE }],
    );
    assert.equal(await d.token.read.balanceOf([d.publisher.account.address]), TOKEN_PRICE);

    await viem.assertions.emitWithArgs(d.market.write.unpause(), d.market, "MarketPauseSet", [false]);
    assert.equal(await d.market.read.paused(), false);
    await buy(d, d.buyers[1], d.ethContent);
    await publish(d);
  });

  it("pause reverts with MarketPaused when paused, unpause with MarketNotPaused when not", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomError(d.market.write.unpause(), d.market, "MarketNotPaused");
    await d.market.write.pause();
    await viem.assertions.revertWithCustomError(d.market.write.pause(), d.market, "MarketPaused");
  });

  it("is owner-only", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    for (const call of [
      () => d.market.write.pause({ account: d.publisher.account }),
      () => d.market.write.unpause({ account: d.publisher.account }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call(), d.market, "OwnableUnauthorizedAccount", [
        d.publisher.account.address,
      ]);
    }
  });
});

describe("ownership (Ownable2Step)", () => {
  it("is the deployer's, and moves only when the new owner accepts", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    const next = d.outsider;
    assert.equal(await d.market.read.owner(), d.owner.account.address);
    await viem.assertions.emitWithArgs(
      d.market.write.transferOwnership([next.account.address]),
      d.market,
      "OwnershipTransferStarted",
      [d.owner.account.address, next.account.address],
    );
    assert.equal(await d.market.read.pendingOwner(), next.account.address);
    // Until accepted, the old owner still rules.
    assert.equal(await d.market.read.owner(), d.owner.account.address);
    await d.market.write.setProtocolFee([d.treasury.account.address, 1]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.acceptOwnership({ account: d.publisher.account }),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.publisher.account.address],
    );
    await viem.assertions.emitWithArgs(
      d.market.write.acceptOwnership({ account: next.account }),
      d.market,
      "OwnershipTransferred",
      [d.owner.account.address, next.account.address],
    );
    assert.equal(await d.market.read.owner(), next.account.address);
    assert.equal(await d.market.read.pendingOwner(), zeroAddress);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.pause(),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.owner.account.address],
    );
    await d.market.write.pause({ account: next.account });
  });

  it("renounceOwnership leaves the admin functions to nobody; claims keep working", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.renounceOwnership({ account: d.outsider.account }),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.outsider.account.address],
    );
    await d.market.write.renounceOwnership();
    assert.equal(await d.market.read.owner(), zeroAddress);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.setProtocolFee([d.treasury.account.address, 1]),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.owner.account.address],
    );
    await d.market.write.claim([[ETH], d.publisher.account.address], { account: d.publisher.account });
  });

  it("transferOwnership is owner-only", async () => {
    const d = await networkHelpers.loadFixture(sellingFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.transferOwnership([d.outsider.account.address], { account: d.outsider.account }),
      d.market,
      "OwnableUnauthorizedAccount",
      [d.outsider.account.address],
    );
  });
});
