import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { type Address, maxUint256, parseSignature } from "viem";
import { type Deployed, deployMarket, ETH, publish, TOKEN_PRICE } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** A demo-token content, and a buyer holding tokens who never approved the market. */
async function permitFixture() {
  const d = await deployMarket(connection);
  const contentId = await publish(d, { currency: d.token.address, price: TOKEN_PRICE });
  const ethContent = await publish(d);
  const buyer = d.buyers[10];
  await d.token.write.mint([buyer.account.address, 10n * TOKEN_PRICE]);
  const deadline = (await d.publicClient.getBlock()).timestamp + 3600n;
  return { ...d, contentId, ethContent, buyer, deadline };
}

type Fixture = Awaited<ReturnType<typeof permitFixture>>;

/** An EIP-2612 signature by `f.buyer`, letting the market spend `value`. */
async function signPermit(
  f: Fixture,
  value: bigint,
  deadline = f.deadline,
  spender: Address = f.market.address,
) {
  const signature = await f.buyer.signTypedData({
    account: f.buyer.account,
    domain: {
      name: await f.token.read.name(),
      version: "1",
      chainId: await f.publicClient.getChainId(),
      verifyingContract: f.token.address,
    },
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    message: {
      owner: f.buyer.account.address,
      spender,
      value,
      nonce: await f.token.read.nonces([f.buyer.account.address]),
      deadline,
    },
  });
  const { r, s, v, yParity } = parseSignature(signature);
  return { r, s, v: Number(v ?? BigInt(yParity + 27)) };
}

/** `f.buyer` buys with the permit `sig`, naming the demo token as the currency unless told otherwise. */
function purchaseWithPermit(
  f: Deployed & { buyer: Fixture["buyer"] },
  contentId: bigint,
  maxPrice: bigint,
  deadline: bigint,
  sig: { v: number; r: `0x${string}`; s: `0x${string}` },
  { referrer = 0n, currency = f.token.address }: { referrer?: bigint; currency?: Address } = {},
) {
  return f.market.write.purchaseWithPermit(
    [contentId, referrer, f.buyer.account.address, currency, maxPrice, deadline, sig.v, sig.r, sig.s],
    { account: f.buyer.account },
  );
}

describe("purchaseWithPermit", () => {
  it("approves and buys in one transaction, leaving the unused allowance", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const maxPrice = TOKEN_PRICE + 100n;
    const sig = await signPermit(f, maxPrice);
    const hash = purchaseWithPermit(f, f.contentId, maxPrice, f.deadline, sig);
    await viem.assertions.emitWithArgs(hash, f.market, "LicensePurchased", [
      1n,
      f.contentId,
      0n,
      f.buyer.account.address,
      f.buyer.account.address,
      f.token.address,
      TOKEN_PRICE,
      f.publisher.account.address,
      TOKEN_PRICE,
      0n,
    ]);
    assert.equal(await f.market.read.ownerOf([1n]), f.buyer.account.address);
    assert.equal(await f.token.read.balanceOf([f.buyer.account.address]), 9n * TOKEN_PRICE);
    assert.equal(await f.token.read.allowance([f.buyer.account.address, f.market.address]), 100n);
    assert.equal(await f.token.read.nonces([f.buyer.account.address]), 1n);
  });

  it("pays the lineage like purchase", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const ref = await d0Token(f);
    const sig = await signPermit(f, TOKEN_PRICE);
    const hash = purchaseWithPermit(f, f.contentId, TOKEN_PRICE, f.deadline, sig, { referrer: ref });
    await viem.assertions.emitWithArgs(hash, f.market, "RewardCredited", [
      f.buyers[0].account.address,
      f.token.address,
      ref + 1n,
      ref,
      1n,
      (TOKEN_PRICE * 1000n) / 10_000n,
    ]);
  });

  it("tolerates a front-runner who submitted the same permit first", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const sig = await signPermit(f, TOKEN_PRICE);
    // Someone copies the permit from the mempool and spends the nonce.
    await f.token.write.permit(
      [f.buyer.account.address, f.market.address, TOKEN_PRICE, f.deadline, sig.v, sig.r, sig.s],
      { account: f.outsider.account },
    );
    await viem.assertions.revertWithCustomError(
      f.token.write.permit(
        [f.buyer.account.address, f.market.address, TOKEN_PRICE, f.deadline, sig.v, sig.r, sig.s],
        {
          account: f.outsider.account,
        },
      ),
      f.token,
      "ERC2612InvalidSigner",
    );
    await purchaseWithPermit(f, f.contentId, TOKEN_PRICE, f.deadline, sig);
    assert.equal(await f.market.read.ownerOf([1n]), f.buyer.account.address);
    assert.equal(await f.token.read.balanceOf([f.market.address]), TOKEN_PRICE);
  });

  it("fails on the allowance when the permit is invalid and nothing was approved", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    // Signed for another spender: the permit fails and leaves no allowance to the market.
    const sig = await signPermit(f, TOKEN_PRICE, f.deadline, f.outsider.account.address);
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.contentId, TOKEN_PRICE, f.deadline, sig),
      f.token,
      "ERC20InsufficientAllowance",
      [f.market.address, 0n, TOKEN_PRICE],
    );
  });

  it("fails on the allowance when the permit expired", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const deadline = (await f.publicClient.getBlock()).timestamp;
    const sig = await signPermit(f, TOKEN_PRICE, deadline);
    await networkHelpers.time.increase(10);
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.contentId, TOKEN_PRICE, deadline, sig),
      f.token,
      "ERC20InsufficientAllowance",
      [f.market.address, 0n, TOKEN_PRICE],
    );
  });

  it("reverts with PriceAboveMax before using the permit", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const sig = await signPermit(f, TOKEN_PRICE - 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.contentId, TOKEN_PRICE - 1n, f.deadline, sig),
      f.market,
      "PriceAboveMax",
      [TOKEN_PRICE, TOKEN_PRICE - 1n],
    );
  });

  it("reverts with PermitNeedsToken for ETH content", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const sig = await signPermit(f, TOKEN_PRICE);
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.ethContent, TOKEN_PRICE, f.deadline, sig, { currency: ETH }),
      f.market,
      "PermitNeedsToken",
      [f.ethContent],
    );
    // Naming a token for it is a mismatch first.
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.ethContent, TOKEN_PRICE, f.deadline, sig),
      f.market,
      "CurrencyMismatch",
      [ETH, f.token.address],
    );
  });

  it("reverts with CurrencyMismatch, taking nothing, when the content switched to a 6-decimal token ahead of the buyer", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    // The buyer left an open allowance on a 6-decimal token, of which they hold a million, from an earlier purchase.
    const six = await connection.viem.deployContract("SixDecimalToken");
    await six.write.mint([f.buyer.account.address, 1_000_000n * 10n ** 6n]);
    await six.write.approve([f.market.address, maxUint256], { account: f.buyer.account });
    const maxPrice = 10n * 10n ** 18n;
    await f.market.write.setPrice([f.contentId, f.token.address, maxPrice], { account: f.publisher.account });
    // Signed for 10 demo dollars; the 6-decimal token would refuse this permit silently and use its allowance.
    const sig = await signPermit(f, maxPrice);
    await f.market.write.setPrice([f.contentId, six.address, 1_000_000n * 10n ** 6n], {
      account: f.publisher.account,
    });
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.contentId, maxPrice, f.deadline, sig),
      f.market,
      "CurrencyMismatch",
      [six.address, f.token.address],
    );
    assert.equal(await six.read.balanceOf([f.buyer.account.address]), 1_000_000n * 10n ** 6n);
    assert.equal(await f.token.read.balanceOf([f.buyer.account.address]), 10n * TOKEN_PRICE);
    assert.equal(await f.token.read.nonces([f.buyer.account.address]), 0n);
    assert.equal(await f.market.read.totalSupply(), 0n);
  });

  it("reverts with ContentNotFound for a content that does not exist", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const sig = await signPermit(f, TOKEN_PRICE);
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, 9n, TOKEN_PRICE, f.deadline, sig),
      f.market,
      "ContentNotFound",
      [9n],
    );
  });

  it("reverts with MarketPaused and ContentPaused like purchase", async () => {
    const f = await networkHelpers.loadFixture(permitFixture);
    const sig = await signPermit(f, TOKEN_PRICE);
    await f.market.write.setContentPaused([f.contentId, true], { account: f.publisher.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      purchaseWithPermit(f, f.contentId, TOKEN_PRICE, f.deadline, sig),
      f.market,
      "ContentPaused",
      [f.contentId],
    );
    await f.market.write.setContentPaused([f.contentId, false], { account: f.publisher.account });
    await f.market.write.pause();
    await viem.assertions.revertWithCustomError(
      purchaseWithPermit(f, f.contentId, TOKEN_PRICE, f.deadline, sig),
      f.market,
      "MarketPaused",
    );
  });
});

/** buyers[0] buys the token content the ordinary way, to be a referrer. */
async function d0Token(f: Fixture) {
  const buyer = f.buyers[0];
  await f.market.write.purchase([f.contentId, 0n, buyer.account.address, f.token.address, TOKEN_PRICE], {
    account: buyer.account,
  });
  return f.market.read.totalSupply();
}
