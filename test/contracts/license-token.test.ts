import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";
import { buy, buyChain, deployMarket, publish } from "./fixtures.ts";

const connection = await network.create();
const { viem, networkHelpers } = connection;

const TITLE = 'Say "hi" \\ to C:\\music\n';

/**
 * A transferable content with a five-license line (tokens 1..5, buyers 0..4), a non-transferable content with
 * one license (token 6, buyers[0]), and a contract that accepts licenses.
 */
async function licensesFixture() {
  const d = await deployMarket(connection);
  const contentId = await publish(d, { title: TITLE, metadataURI: "ipfs://cover", royaltyBps: 750 });
  const line = await buyChain(d, contentId, 5);
  const lockedContent = await publish(d, { transferable: false });
  const locked = await buy(d, d.buyers[0], lockedContent);
  const receiver = await connection.viem.deployContract("HostileReceiver", [d.market.address]);
  const [holder, other] = d.buyers;
  return { ...d, contentId, line, lockedContent, locked, receiver, holder, other };
}

function decodeTokenURI(uri: string) {
  const prefix = "data:application/json;base64,";
  assert.ok(uri.startsWith(prefix));
  return JSON.parse(Buffer.from(uri.slice(prefix.length), "base64").toString("utf8"));
}

describe("license token (ERC-721)", () => {
  it("has a name, a symbol and balances", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    assert.equal(await f.market.read.name(), "Superdist License");
    assert.equal(await f.market.read.symbol(), "SDL");
    assert.equal(await f.market.read.balanceOf([f.holder.account.address]), 2n);
    assert.equal(await f.market.read.balanceOf([f.outsider.account.address]), 0n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.read.balanceOf([zeroAddress]),
      f.market,
      "ERC721InvalidOwner",
      [zeroAddress],
    );
  });

  it("ownerOf, getApproved, license, tokenURI, royaltyInfo and lineageOf revert for a missing token", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    for (const id of [0n, 7n]) {
      for (const read of [
        f.market.read.ownerOf([id]),
        f.market.read.getApproved([id]),
        f.market.read.license([id]),
        f.market.read.tokenURI([id]),
        f.market.read.royaltyInfo([id, 100n]),
        f.market.read.lineageOf([id]),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(read, f.market, "ERC721NonexistentToken", [id]);
      }
    }
  });

  it("transferFrom moves the token, the balances and clears the approval", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const token = f.line[0];
    await f.market.write.approve([f.outsider.account.address, token], { account: f.holder.account });
    assert.equal(await f.market.read.getApproved([token]), f.outsider.account.address);
    await viem.assertions.emitWithArgs(
      f.market.write.transferFrom([f.holder.account.address, f.other.account.address, token], {
        account: f.holder.account,
      }),
      f.market,
      "Transfer",
      [f.holder.account.address, f.other.account.address, token],
    );
    assert.equal(await f.market.read.ownerOf([token]), f.other.account.address);
    assert.equal(await f.market.read.getApproved([token]), zeroAddress);
    assert.equal(await f.market.read.balanceOf([f.holder.account.address]), 1n);
    assert.equal(await f.market.read.balanceOf([f.other.account.address]), 2n);
    // The lineage stays with the token.
    assert.equal((await f.market.read.license([token])).owner, f.other.account.address);
  });

  it("an approved address transfers once", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const token = f.line[0];
    const spender = f.outsider;
    await viem.assertions.emitWithArgs(
      f.market.write.approve([spender.account.address, token], { account: f.holder.account }),
      f.market,
      "Approval",
      [f.holder.account.address, spender.account.address, token],
    );
    await f.market.write.transferFrom([f.holder.account.address, spender.account.address, token], {
      account: spender.account,
    });
    assert.equal(await f.market.read.ownerOf([token]), spender.account.address);
    await f.market.write.transferFrom([spender.account.address, f.holder.account.address, token], {
      account: spender.account,
    });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([f.holder.account.address, spender.account.address, token], {
        account: spender.account,
      }),
      f.market,
      "ERC721InsufficientApproval",
      [spender.account.address, token],
    );
  });

  it("an operator approves and transfers every token of the owner until revoked", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const operator = f.outsider;
    await viem.assertions.emitWithArgs(
      f.market.write.setApprovalForAll([operator.account.address, true], { account: f.holder.account }),
      f.market,
      "ApprovalForAll",
      [f.holder.account.address, operator.account.address, true],
    );
    assert.equal(
      await f.market.read.isApprovedForAll([f.holder.account.address, operator.account.address]),
      true,
    );
    await f.market.write.approve([f.other.account.address, f.line[0]], { account: operator.account });
    assert.equal(await f.market.read.getApproved([f.line[0]]), f.other.account.address);
    await f.market.write.transferFrom([f.holder.account.address, f.other.account.address, f.line[0]], {
      account: operator.account,
    });
    await f.market.write.setApprovalForAll([operator.account.address, false], { account: f.holder.account });
    assert.equal(
      await f.market.read.isApprovedForAll([f.holder.account.address, operator.account.address]),
      false,
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.approve([operator.account.address, f.locked], { account: operator.account }),
      f.market,
      "ERC721InvalidApprover",
      [operator.account.address],
    );
  });

  it("approve reverts with ERC721InvalidApprover for a stranger", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.approve([f.outsider.account.address, f.line[0]], { account: f.outsider.account }),
      f.market,
      "ERC721InvalidApprover",
      [f.outsider.account.address],
    );
  });

  it("setApprovalForAll reverts with ERC721InvalidOperator for the zero address", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.setApprovalForAll([zeroAddress, true], { account: f.holder.account }),
      f.market,
      "ERC721InvalidOperator",
      [zeroAddress],
    );
  });

  it("transferFrom reverts for a zero receiver, a wrong owner, a missing token and a stranger", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const from = f.holder.account.address;
    const to = f.other.account.address;
    const opts = { account: f.holder.account };
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([from, zeroAddress, f.line[0]], opts),
      f.market,
      "ERC721InvalidReceiver",
      [zeroAddress],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([to, from, f.line[0]], opts),
      f.market,
      "ERC721IncorrectOwner",
      [to, f.line[0], from],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([from, to, 99n], opts),
      f.market,
      "ERC721NonexistentToken",
      [99n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([to, from, f.line[1]], opts),
      f.market,
      "ERC721InsufficientApproval",
      [from, f.line[1]],
    );
  });

  it("transferFrom checks the caller's approval before the named owner, in OpenZeppelin's order", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const token = f.line[0];
    const stranger = f.outsider;
    // A stranger naming the wrong owner learns that it may not move the token, not who owns it.
    for (const write of [
      () =>
        f.market.write.transferFrom([f.other.account.address, stranger.account.address, token], {
          account: stranger.account,
        }),
      () =>
        f.market.write.safeTransferFrom([f.other.account.address, stranger.account.address, token], {
          account: stranger.account,
        }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(write(), f.market, "ERC721InsufficientApproval", [
        stranger.account.address,
        token,
      ]);
    }
    // An approved caller naming the wrong owner is told who the owner is.
    await f.market.write.approve([stranger.account.address, token], { account: f.holder.account });
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([f.other.account.address, stranger.account.address, token], {
        account: stranger.account,
      }),
      f.market,
      "ERC721IncorrectOwner",
      [f.other.account.address, token, f.holder.account.address],
    );
    // The receiver is checked first of all.
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.transferFrom([f.other.account.address, zeroAddress, token], {
        account: f.other.account,
      }),
      f.market,
      "ERC721InvalidReceiver",
      [zeroAddress],
    );
  });

  it("a non-transferable license cannot move, by its owner or an operator, safely or not", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const from = f.holder.account.address;
    const to = f.other.account.address;
    await f.market.write.setApprovalForAll([f.outsider.account.address, true], { account: f.holder.account });
    for (const write of [
      () => f.market.write.transferFrom([from, to, f.locked], { account: f.holder.account }),
      () => f.market.write.transferFrom([from, to, f.locked], { account: f.outsider.account }),
      () => f.market.write.safeTransferFrom([from, to, f.locked], { account: f.holder.account }),
      () => f.market.write.safeTransferFrom([from, to, f.locked, "0x"], { account: f.holder.account }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(write(), f.market, "LicenseNotTransferable", [
        f.locked,
      ]);
    }
    assert.equal(await f.market.read.ownerOf([f.locked]), from);
    // Approving it is harmless and allowed.
    await f.market.write.approve([to, f.locked], { account: f.holder.account });
  });

  it("safeTransferFrom delivers to an account and to an ERC-721 receiver", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const from = f.holder.account.address;
    await f.market.write.safeTransferFrom([from, f.other.account.address, f.line[0]], {
      account: f.holder.account,
    });
    assert.equal(await f.market.read.ownerOf([f.line[0]]), f.other.account.address);
    await f.market.write.safeTransferFrom(
      [f.other.account.address, f.receiver.address, f.line[0], "0x1234"],
      {
        account: f.other.account,
      },
    );
    assert.equal(await f.market.read.ownerOf([f.line[0]]), getAddress(f.receiver.address));
  });

  it("safeTransferFrom reverts with ERC721InvalidReceiver for a contract that is not a receiver", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    for (const to of [f.token.address, f.market.address]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.market.write.safeTransferFrom([f.holder.account.address, to, f.line[0]], {
          account: f.holder.account,
        }),
        f.market,
        "ERC721InvalidReceiver",
        [to],
      );
    }
  });

  it("safeTransferFrom bubbles a receiver's refusal", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    await f.receiver.write.setMode([1]);
    await viem.assertions.revertWithCustomError(
      f.market.write.safeTransferFrom([f.holder.account.address, f.receiver.address, f.line[0], "0x"], {
        account: f.holder.account,
      }),
      f.receiver,
      "Refused",
    );
  });
});

describe("license metadata", () => {
  it("tokenURI is base64 JSON with the escaped title, content id, generation and parent", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const token = f.line[3];
    const json = decodeTokenURI(await f.market.read.tokenURI([token]));
    assert.deepEqual(json, {
      name: `${TITLE} #${token}`,
      description: `License #${token} to ${TITLE}`,
      external_url: "ipfs://cover",
      attributes: [
        { trait_type: "Content", value: Number(f.contentId) },
        { trait_type: "Generation", value: 3 },
        { trait_type: "Parent", value: Number(f.line[2]) },
      ],
    });
    const root = decodeTokenURI(await f.market.read.tokenURI([f.line[0]]));
    assert.deepEqual(
      root.attributes.map((a: { value: number }) => a.value),
      [Number(f.contentId), 0, 0],
    );
  });

  it("tokenURI follows the content's metadata URI", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    await f.market.write.setMetadataURI([f.contentId, 'ipfs://"new"'], { account: f.publisher.account });
    assert.equal(decodeTokenURI(await f.market.read.tokenURI([f.line[0]])).external_url, 'ipfs://"new"');
  });

  it("royaltyInfo pays the content's royalty to its payout", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    assert.deepEqual(await f.market.read.royaltyInfo([f.line[0], 10_000n]), [
      f.publisher.account.address,
      750n,
    ]);
    assert.deepEqual(await f.market.read.royaltyInfo([f.line[0], 99n]), [f.publisher.account.address, 7n]);
    await f.market.write.setPayout([f.contentId, f.treasury.account.address], {
      account: f.publisher.account,
    });
    assert.deepEqual(await f.market.read.royaltyInfo([f.line[4], 1000n]), [f.treasury.account.address, 75n]);
  });

  it("supportsInterface answers ERC-165, ERC-721, ERC-721 Metadata and ERC-2981, and nothing else", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x2a55205a"] as const) {
      assert.equal(await f.market.read.supportsInterface([id]), true, id);
    }
    for (const id of ["0xffffffff", "0x780e9d63", "0x00000000"] as const) {
      assert.equal(await f.market.read.supportsInterface([id]), false, id);
    }
  });

  it("eip712Domain names the market's signing domain", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const [fields, name, version, chainId, verifyingContract, salt, extensions] =
      await f.market.read.eip712Domain();
    assert.equal(fields, "0x0f");
    assert.equal(name, "SuperdistMarket");
    assert.equal(version, "1");
    assert.equal(chainId, BigInt(await f.publicClient.getChainId()));
    assert.equal(verifyingContract, f.market.address);
    assert.equal(salt, `0x${"0".repeat(64)}`);
    assert.deepEqual(extensions, []);
  });
});

describe("lineage reads", () => {
  it("license() returns the owner, content, parent and generation", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    assert.deepEqual(await f.market.read.license([f.line[4]]), {
      owner: f.buyers[4].account.address,
      contentId: f.contentId,
      parent: f.line[3],
      generation: 4n,
    });
  });

  it("lineageOf lists the ancestors parent first, capped by the content's depth", async () => {
    const f = await networkHelpers.loadFixture(licensesFixture);
    const five = await buy(f, f.buyers[5], f.contentId, f.line[4]);
    assert.deepEqual(await f.market.read.lineageOf([five]), [...f.line].reverse());
    await f.market.write.setRewardSchedule([f.contentId, [100, 100, 100]], { account: f.publisher.account });
    assert.deepEqual(await f.market.read.lineageOf([five]), [f.line[4], f.line[3], f.line[2]]);
    await f.market.write.setRewardSchedule([f.contentId, []], { account: f.publisher.account });
    assert.deepEqual(await f.market.read.lineageOf([five]), []);
    await f.market.write.setRewardSchedule([f.contentId, Array(8).fill(10)], {
      account: f.publisher.account,
    });
    assert.deepEqual(await f.market.read.lineageOf([f.line[2]]), [f.line[1], f.line[0]]);
    assert.deepEqual(await f.market.read.lineageOf([f.line[0]]), []);
  });
});
