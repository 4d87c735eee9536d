import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { deployMarket } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

async function demoTokenFixture() {
  return deployMarket(connection);
}

describe("DemoToken", () => {
  it("is the Ignition module's Demo Dollar, with 18 decimals and an EIP-2612 domain of that name", async () => {
    const { token, owner } = await networkHelpers.loadFixture(demoTokenFixture);
    assert.equal(await token.read.name(), "Demo Dollar");
    assert.equal(await token.read.symbol(), "DUSD");
    assert.equal(await token.read.decimals(), 18);
    assert.equal(await token.read.owner(), owner.account.address);
    const [, name, version, , verifyingContract] = await token.read.eip712Domain();
    assert.equal(name, "Demo Dollar");
    assert.equal(version, "1");
    assert.equal(verifyingContract, token.address);
  });

  it("its owner mints, nobody else", async () => {
    const { token, outsider } = await networkHelpers.loadFixture(demoTokenFixture);
    const supply = await token.read.totalSupply();
    await token.write.mint([outsider.account.address, 5n]);
    assert.equal(await token.read.balanceOf([outsider.account.address]), 5n);
    assert.equal(await token.read.totalSupply(), supply + 5n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      token.write.mint([outsider.account.address, 1n], { account: outsider.account }),
      token,
      "OwnableUnauthorizedAccount",
      [outsider.account.address],
    );
  });
});
