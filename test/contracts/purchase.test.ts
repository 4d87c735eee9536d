import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { maxUint256, parseEther, parseUnits, zeroAddress } from "viem";
import { buy, deployMarket, ETH, ETH_PRICE, publish, TOKEN_PRICE } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** An ETH content and a demo-token content, one license of each held by buyers[0]. */
async function twoContentsFixture() {
  const d = await deployMarket(connection);
  const ethContent = await publish(d);
  const tokenContent = await publish(d, { currency: d.token.address, price: TOKEN_PRICE });
  const ethToken = await buy(d, d.buyers[0], ethContent);
  const tokenToken = await buy(d, d.buyers[0], tokenContent);
  return { ...d, ethContent, tokenContent, ethToken, tokenToken };
}

/** A content priced in a token that burns 1% of every transfer. */
async function feeOnTransferFixture() {
  const d = await deployMarket(connection);
  const feeToken = await connection.viem.deployContract("FeeOnTransferToken");
  const buyer = d.buyers[0];
  await feeToken.write.mint([buyer.account.address, 10n ** 18n]);
  await feeToken.write.approve([d.market.address, 10n ** 18n], { account: buyer.account });
  const contentId = await publish(d, { currency: feeToken.address, price: 10_000n });
  return { ...d, feeToken, contentId, buyer };
}

/**
 * A content sold for 10 demo dollars (18 decimals), and a buyer who also left an open allowance, from an earlier
 * purchase, on a 6-decimal token of which they hold a million.
 */
async function currencySwitchFixture() {
  const d = await deployMarket(connection);
  const agreed = parseEther("10");
  const contentId = await publish(d, { currency: d.token.address, price: agreed });
  const six = await connection.viem.deployContract("SixDecimalToken");
  const buyer = d.buyers[1];
  const holding = parseUnits("1000000", 6);
  await six.write.mint([buyer.account.address, holding]);
  await six.write.approve([d.market.address, maxUint256], { account: buyer.account });
  await d.token.write.mint([buyer.account.address, agreed]);
  await d.token.write.approve([d.market.address, agreed], { account: buyer.account });
  return { ...d, contentId, six, buyer, agreed, holding };
}

describe("purchase", () => {
  it("mints a first-generation license without referrer and credits the publisher", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const buyer = d.buyers[1];
    const hash = d.market.write.purchase([d.ethContent, 0n, buyer.account.address, ETH, ETH_PRICE], {
      account: buyer.account,
      value: ETH_PRICE,
    });
    await viem.assertions.emitWithArgs(hash, d.market, "Transfer", [zeroAddress, buyer.account.address, 3n]);
    await viem.assertions.emitWithArgs(hash, d.market, "LicensePurchased", [
      3n,
      d.ethContent,
      0n,
      buyer.account.address,
      buyer.account.address,
      ETH,
      ETH_PRICE,
      d.publisher.account.address,
      ETH_PRICE,
      0n,
    ]);
    assert.deepEqual(await d.market.read.license([3n]), {
      owner: buyer.account.address,
      contentId: d.ethContent,
      parent: 0n,
      generation: 0n,
    });
    assert.equal(await d.market.read.balanceOf([buyer.account.address]), 1n);
    assert.equal(await d.market.read.totalSupply(), 3n);
    assert.equal(await d.market.read.claimable([d.publisher.account.address, ETH]), 2n * ETH_PRICE);
  });

  it("returns the new token id", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const { result } = await d.market.simulate.purchase(
      [d.ethContent, d.ethToken, d.outsider.account.address, ETH, ETH_PRICE],
      {
        account: d.buyers[1].account.address,
        value: ETH_PRICE,
      },
    );
    assert.equal(result, 3n);
  });

  it("mints to a recipient other than the payer, who pays", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const [, payer, recipient] = d.buyers;
    const hash = d.market.write.purchase(
      [d.ethContent, d.ethToken, recipient.account.address, ETH, ETH_PRICE],
      {
        account: payer.account,
        value: ETH_PRICE,
      },
    );
    await viem.assertions.balancesHaveChanged(hash, [
      { address: payer.account.address, amount: -ETH_PRICE },
      { address: recipient.account.address, amount: 0n },
    ]);
    await viem.assertions.emitWithArgs(hash, d.market, "LicensePurchased", [
      3n,
      d.ethContent,
      d.ethToken,
      payer.account.address,
      recipient.account.address,
      ETH,
      ETH_PRICE,
      d.publisher.account.address,
      (ETH_PRICE * 9000n) / 10_000n,
      0n,
    ]);
    assert.equal(await d.market.read.ownerOf([3n]), recipient.account.address);
    assert.equal((await d.market.read.license([3n])).generation, 1n);
  });

  it("sells free content for no payment", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const free = await publish(d, { price: 0n });
    const token = await buy(d, d.buyers[1], free);
    assert.equal(await d.market.read.ownerOf([token]), d.buyers[1].account.address);
    const freeToken = await publish(d, { price: 0n, currency: d.token.address });
    await buy(d, d.buyers[1], freeToken);
  });

  it("reverts with CurrencyMismatch, taking nothing, when the content switched to a 6-decimal token ahead of the buyer", async () => {
    const f = await networkHelpers.loadFixture(currencySwitchFixture);
    const before = await f.token.read.balanceOf([f.buyer.account.address]);
    // A million of the new token is 10^12 of its units: within the 10 * 10^18 the buyer allows.
    await f.market.write.setPrice([f.contentId, f.six.address, f.holding], { account: f.publisher.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.purchase([f.contentId, 0n, f.buyer.account.address, f.token.address, f.agreed], {
        account: f.buyer.account,
      }),
      f.market,
      "CurrencyMismatch",
      [f.six.address, f.token.address],
    );
    assert.equal(await f.six.read.balanceOf([f.buyer.account.address]), f.holding);
    assert.equal(await f.token.read.balanceOf([f.buyer.account.address]), before);
    assert.equal(await f.market.read.totalSupply(), 0n);
    assert.equal(await f.market.read.claimable([f.publisher.account.address, f.six.address]), 0n);
  });

  it("reverts with CurrencyMismatch when ETH is named for a token content, or a token for an ETH content", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.tokenContent, 0n, d.buyers[1].account.address, ETH, TOKEN_PRICE], {
        account: d.buyers[1].account,
        value: TOKEN_PRICE,
      }),
      d.market,
      "CurrencyMismatch",
      [d.token.address, ETH],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, d.token.address, ETH_PRICE], {
        account: d.buyers[1].account,
      }),
      d.market,
      "CurrencyMismatch",
      [ETH, d.token.address],
    );
    // A content that does not exist is reported as missing, whatever currency is named.
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([9n, 0n, d.buyers[1].account.address, d.token.address, 0n], {
        account: d.buyers[1].account,
      }),
      d.market,
      "ContentNotFound",
      [9n],
    );
  });

  it("reverts with IncorrectPayment when msg.value differs from the ETH price", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    for (const sent of [0n, ETH_PRICE - 1n, ETH_PRICE + 1n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, ETH, ETH_PRICE], {
          account: d.buyers[1].account,
          value: sent,
        }),
        d.market,
        "IncorrectPayment",
        [ETH_PRICE, sent],
      );
    }
  });

  it("reverts with IncorrectPayment when ETH comes with an ERC-20 purchase", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase(
        [d.tokenContent, 0n, d.buyers[1].account.address, d.token.address, TOKEN_PRICE],
        {
          account: d.buyers[1].account,
          value: 1n,
        },
      ),
      d.market,
      "IncorrectPayment",
      [0n, 1n],
    );
  });

  it("reverts with PriceAboveMax when the publisher raised the price", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await d.market.write.setPrice([d.ethContent, ETH, ETH_PRICE + 1n], { account: d.publisher.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE + 1n,
      }),
      d.market,
      "PriceAboveMax",
      [ETH_PRICE + 1n, ETH_PRICE],
    );
  });

  it("reverts with InvalidReferrer for a license of another content", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, d.tokenToken, d.buyers[1].account.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "InvalidReferrer",
      [d.tokenToken, d.ethContent],
    );
  });

  it("reverts with InvalidReferrer for a token that does not exist", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 99n, d.buyers[1].account.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "InvalidReferrer",
      [99n, d.ethContent],
    );
  });

  it("reverts with ContentNotFound for a content that does not exist", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    for (const id of [0n, 3n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        d.market.write.purchase([id, 0n, d.buyers[1].account.address, ETH, 0n], {
          account: d.buyers[1].account,
        }),
        d.market,
        "ContentNotFound",
        [id],
      );
    }
  });

  it("reverts with ERC721InvalidReceiver for a zero recipient", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 0n, zeroAddress, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "ERC721InvalidReceiver",
      [zeroAddress],
    );
  });

  it("reverts with ERC721InvalidReceiver for a contract recipient that cannot hold ERC-721", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 0n, d.token.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "ERC721InvalidReceiver",
      [d.token.address],
    );
  });

  it("pulls exactly the ERC-20 price", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const buyer = d.buyers[1];
    const before = await d.token.read.balanceOf([buyer.account.address]);
    await buy(d, buyer, d.tokenContent, d.tokenToken);
    assert.equal(before - (await d.token.read.balanceOf([buyer.account.address])), TOKEN_PRICE);
    assert.equal(await d.token.read.balanceOf([d.market.address]), 2n * TOKEN_PRICE);
  });

  it("reverts when the ERC-20 allowance is short", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const buyer = d.buyers[1];
    await d.token.write.approve([d.market.address, TOKEN_PRICE - 1n], { account: buyer.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.tokenContent, 0n, buyer.account.address, d.token.address, TOKEN_PRICE], {
        account: buyer.account,
      }),
      d.token,
      "ERC20InsufficientAllowance",
      [d.market.address, TOKEN_PRICE - 1n, TOKEN_PRICE],
    );
  });

  it("reverts with TransferShortfall for a fee-on-transfer token", async () => {
    const f = await networkHelpers.loadFixture(feeOnTransferFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.purchase([f.contentId, 0n, f.buyer.account.address, f.feeToken.address, 10_000n], {
        account: f.buyer.account,
      }),
      f.market,
      "TransferShortfall",
      [10_000n, 9_900n],
    );
    assert.equal(await f.feeToken.read.balanceOf([f.market.address]), 0n);
  });

  it("reverts with ContentPaused while the publisher paused the content, and sells again once resumed", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await d.market.write.setContentPaused([d.ethContent, true], { account: d.publisher.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.purchase([d.ethContent, 0n, d.buyers[1].account.address, ETH, ETH_PRICE], {
        account: d.buyers[1].account,
        value: ETH_PRICE,
      }),
      d.market,
      "ContentPaused",
      [d.ethContent],
    );
    // Other content keeps selling.
    await buy(d, d.buyers[1], d.tokenContent);
    await d.market.write.setContentPaused([d.ethContent, false], { account: d.publisher.account });
    await buy(d, d.buyers[1], d.ethContent);
  });

  it("a paused content still lets its earners claim", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    await d.market.write.setContentPaused([d.ethContent, true], { account: d.publisher.account });
    await viem.assertions.balancesHaveChanged(
      d.market.write.claim([[ETH], d.publisher.account.address], { account: d.publisher.account }),
      [{ address: d.publisher.account.address, amount: ETH_PRICE }],
    );
  });

  it("counts one generation per referral", async () => {
    const d = await networkHelpers.loadFixture(twoContentsFixture);
    const second = await buy(d, d.buyers[1], d.ethContent, d.ethToken);
    const third = await buy(d, d.buyers[2], d.ethContent, second);
    assert.equal((await d.market.read.license([third])).generation, 2n);
  });
});
