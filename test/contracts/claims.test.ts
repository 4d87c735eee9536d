import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { parseEventLogs, zeroAddress } from "viem";
import { buy, deployMarket, ETH, ETH_PRICE, publish, TOKEN_PRICE } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

/** The publisher has earned in ETH and in the demo token; buyers[0] earned a level-1 reward in both. */
async function earningsFixture() {
  const d = await deployMarket(connection);
  const ethContent = await publish(d);
  const tokenContent = await publish(d, { currency: d.token.address, price: TOKEN_PRICE });
  const ethRoot = await buy(d, d.buyers[0], ethContent);
  const tokenRoot = await buy(d, d.buyers[0], tokenContent);
  await buy(d, d.buyers[1], ethContent, ethRoot);
  await buy(d, d.buyers[1], tokenContent, tokenRoot);
  const earner = d.buyers[0];
  const ethReward = ETH_PRICE / 10n;
  const tokenReward = TOKEN_PRICE / 10n;
  return { ...d, earner, ethReward, tokenReward };
}

describe("claim", () => {
  it("pays several currencies to a chosen address and zeroes the balances", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const to = f.outsider.account.address;
    const hash = f.market.write.claim([[ETH, f.token.address], to], { account: f.earner.account });
    await viem.assertions.balancesHaveChanged(hash, [
      { address: to, amount: f.ethReward },
      { address: f.earner.account.address, amount: 0n },
      { address: f.market.address, amount: -f.ethReward },
    ]);
    await viem.assertions.emitWithArgs(hash, f.market, "Claimed", [
      f.earner.account.address,
      ETH,
      to,
      f.ethReward,
    ]);
    await viem.assertions.emitWithArgs(hash, f.market, "Claimed", [
      f.earner.account.address,
      f.token.address,
      to,
      f.tokenReward,
    ]);
    assert.equal(await f.token.read.balanceOf([to]), f.tokenReward);
    assert.equal(await f.market.read.claimable([f.earner.account.address, ETH]), 0n);
    assert.equal(await f.market.read.claimable([f.earner.account.address, f.token.address]), 0n);
  });

  it("skips currencies with nothing owed and repeated currencies", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const hash = await f.market.write.claim(
      [[f.outsider.account.address, ETH, ETH], f.earner.account.address],
      {
        account: f.earner.account,
      },
    );
    const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
    const claimed = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "Claimed" });
    assert.deepEqual(
      claimed.map((log) => [log.args.currency, log.args.amount]),
      [[ETH, f.ethReward]],
    );
  });

  it("the publisher claims the sales", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const publisher = f.publisher.account.address;
    const ethOwed = 2n * ETH_PRICE - f.ethReward;
    assert.equal(await f.market.read.claimable([publisher, ETH]), ethOwed);
    await viem.assertions.balancesHaveChanged(
      f.market.write.claim([[ETH], publisher], { account: f.publisher.account }),
      [{ address: publisher, amount: ethOwed }],
    );
  });

  it("reverts with NothingToClaim when nothing is owed", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const account = f.outsider.account.address;
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([[ETH, f.token.address], account], { account: f.outsider.account }),
      f.market,
      "NothingToClaim",
      [account],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([[], f.earner.account.address], { account: f.earner.account }),
      f.market,
      "NothingToClaim",
      [f.earner.account.address],
    );
    await f.market.write.claim([[ETH], account], { account: f.earner.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([[ETH], account], { account: f.earner.account }),
      f.market,
      "NothingToClaim",
      [f.earner.account.address],
    );
  });

  it("reverts with ZeroAddress for a zero destination", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    await viem.assertions.revertWithCustomError(
      f.market.write.claim([[ETH], zeroAddress], { account: f.earner.account }),
      f.market,
      "ZeroAddress",
    );
  });
});

describe("claimFor", () => {
  it("is refused for an account that has not allowed it, which keeps its balances", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const account = f.earner.account.address;
    assert.equal(await f.market.read.claimForAllowed([account]), false);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claimFor([account, [ETH, f.token.address]], { account: f.buyers[1].account }),
      f.market,
      "ClaimForNotAllowed",
      [account],
    );
    assert.equal(await f.market.read.claimable([account, ETH]), f.ethReward);
    assert.equal(await f.market.read.claimable([account, f.token.address]), f.tokenReward);
  });

  it("pays the account, not the caller, once the account allowed it", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const caller = f.buyers[1];
    const account = f.earner.account.address;
    await viem.assertions.emitWithArgs(
      f.market.write.setClaimForAllowed([true], { account: f.earner.account }),
      f.market,
      "ClaimForAllowedSet",
      [account, true],
    );
    assert.equal(await f.market.read.claimForAllowed([account]), true);
    const hash = f.market.write.claimFor([account, [ETH, f.token.address]], { account: caller.account });
    await viem.assertions.balancesHaveChanged(hash, [
      { address: account, amount: f.ethReward },
      { address: caller.account.address, amount: 0n },
    ]);
    await viem.assertions.emitWithArgs(hash, f.market, "Claimed", [account, ETH, account, f.ethReward]);
    assert.equal(await f.token.read.balanceOf([account]), 10n ** 12n - TOKEN_PRICE + f.tokenReward);
    assert.equal(await f.market.read.claimable([account, ETH]), 0n);
  });

  it("is refused again once the account withdrew its permission", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const account = f.earner.account.address;
    await f.market.write.setClaimForAllowed([true], { account: f.earner.account });
    await viem.assertions.emitWithArgs(
      f.market.write.setClaimForAllowed([false], { account: f.earner.account }),
      f.market,
      "ClaimForAllowedSet",
      [account, false],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claimFor([account, [ETH]], { account: f.buyers[1].account }),
      f.market,
      "ClaimForNotAllowed",
      [account],
    );
  });

  it("reverts with NothingToClaim for an account that allowed it but is owed nothing", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    await f.market.write.setClaimForAllowed([true], { account: f.outsider.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claimFor([f.outsider.account.address, [ETH]], { account: f.earner.account }),
      f.market,
      "NothingToClaim",
      [f.outsider.account.address],
    );
    // The zero address can never allow it.
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claimFor([zeroAddress, [ETH]], { account: f.earner.account }),
      f.market,
      "ClaimForNotAllowed",
      [zeroAddress],
    );
  });
});

describe("conservation", () => {
  it("the market holds exactly what is claimable, in each currency", async () => {
    const f = await networkHelpers.loadFixture(earningsFixture);
    const accounts = [f.publisher, f.buyers[0], f.buyers[1]].map((w) => w.account.address);
    for (const [currency, balance] of [
      [ETH, await f.publicClient.getBalance({ address: f.market.address })],
      [f.token.address, await f.token.read.balanceOf([f.market.address])],
    ] as const) {
      const owed = await Promise.all(accounts.map((a) => f.market.read.claimable([a, currency])));
      assert.equal(
        owed.reduce((a, b) => a + b, 0n),
        balance,
      );
    }
  });
});
