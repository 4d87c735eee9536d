import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity, isPackageError, unwrapFileKey } from "@superdist/package";
import { decryptFile, encryptFile, readHeaderFromFile, rekeyFile } from "@superdist/package/node";
import {
  rekeyDeadline,
  rekeyTypedData,
  requestRekey,
  type StartedVerifier,
  startVerifier,
  VerifierError,
} from "@superdist/verifier";
import { pino } from "pino";
import {
  type Address,
  createWalletClient,
  getAddress,
  type Hex,
  hashTypedData,
  http,
  type PrivateKeyAccount,
  zeroAddress,
} from "viem";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  type AgeKeyPair,
  ageKeyPair,
  type MarketFixture,
  PRICE,
  startMarketFixture,
} from "../../scripts/stack/market.ts";

const run = promisify(execFile);

// An ERC-1271 smart account owned by one EOA, able to hold license tokens.
const walletSource = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;
contract OwnedWallet {
    address public immutable owner;
    constructor(address owner_) { owner = owner_; }
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return 0xffffffff;
        (bytes32 r, bytes32 s) = abi.decode(signature[:64], (bytes32, bytes32));
        return ecrecover(hash, uint8(signature[64]), r, s) == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return 0x150b7a02;
    }
}`;

function compileWallet(): { abi: unknown[]; bytecode: Hex } {
  const solc = createRequire(import.meta.url)("solc");
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "OwnedWallet.sol": { content: walletSource } },
        settings: { outputSelection: { "*": { OwnedWallet: ["abi", "evm.bytecode.object"] } } },
      }),
    ),
  );
  const contract = output.contracts["OwnedWallet.sol"].OwnedWallet;
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
}

describe("re-key flow on a local chain", () => {
  let fixture: MarketFixture;
  let verifier: StartedVerifier;
  let dir: string;
  let plaintext: Uint8Array;
  let published: string;
  let contentId: bigint;
  let alice: PrivateKeyAccount;
  let bob: PrivateKeyAccount;
  let aliceKey: AgeKeyPair;
  let bobKey: AgeKeyPair;
  let aliceToken: bigint;

  beforeAll(async () => {
    fixture = await startMarketFixture();
    verifier = await startVerifier({
      rpcUrl: fixture.chain.rpcUrl,
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      identities: [fixture.verifier.identity],
      port: 0,
      logger: pino({ level: "silent" }),
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-verifier-flow-"));
    alice = fixture.accounts[2] as PrivateKeyAccount;
    bob = fixture.accounts[3] as PrivateKeyAccount;
    aliceKey = await ageKeyPair();
    bobKey = await ageKeyPair();

    // The publisher encrypts first (the content id is the next one) and then publishes the key commitment.
    plaintext = new Uint8Array(randomBytes(200_000));
    await writeFile(join(dir, "plain.bin"), plaintext);
    const nextId =
      (await fixture.publicClient.readContract({
        address: fixture.chain.market,
        abi: superdistMarketAbi,
        functionName: "contentCount",
      })) + 1n;
    published = join(dir, "published.age");
    const encrypted = await encryptFile(join(dir, "plain.bin"), published, {
      holderRecipients: [fixture.publisherKey.recipient],
      verifierRecipient: verifier.recipient,
      lineage: {
        chainId: BigInt(fixture.chain.chainId),
        market: fixture.chain.market,
        contentId: nextId,
        holderTokenId: 0n,
      },
    });
    contentId = (await fixture.publish({ fileKey: encrypted.fileKey })).contentId;
    assert.equal(contentId, nextId);
    aliceToken = await fixture.buy(contentId, alice);
  });

  afterAll(async () => {
    await verifier?.close();
    await fixture?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** What a holder's client does: sign for its copy's header, ask the verifier, splice the answer on. */
  async function rekeyCopy(
    signer: { signTypedData: PrivateKeyAccount["signTypedData"] },
    copy: string,
    out: string,
    tokenId: bigint,
    holder: AgeKeyPair,
    verifierUrl = verifier.url,
  ) {
    const header = (await readHeaderFromFile(copy)).bytes;
    const deadline = rekeyDeadline(300);
    const typedData = rekeyTypedData({
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      tokenId,
      recipient: holder.recipient,
      header,
      deadline,
    });
    const signature = await signer.signTypedData(typedData);
    const answer = await requestRekey({
      verifierUrls: [verifierUrl],
      header,
      tokenId,
      recipient: holder.recipient,
      deadline,
      signature,
    });
    return rekeyFile(copy, out, answer.header);
  }

  async function ageDecrypt(holder: AgeKeyPair, file: string): Promise<Uint8Array> {
    const identityFile = join(dir, `identity-${randomBytes(4).toString("hex")}.txt`);
    await writeFile(identityFile, `${holder.identity}\n`, { mode: 0o600 });
    const { stdout } = await run("age", ["-d", "-i", identityFile, file], {
      encoding: "buffer",
      maxBuffer: 1 << 24,
    });
    return new Uint8Array(stdout);
  }

  test("a buyer's copy is re-keyed to them: it opens with their identity, and the age CLI agrees", async () => {
    await assert.rejects(decryptFile(published, join(dir, "nope.bin"), [aliceKey.identity]), (error) =>
      isPackageError(error, "NO_MATCHING_IDENTITY"),
    );
    const aliceCopy = join(dir, "alice.age");
    const { header } = await rekeyCopy(alice, published, aliceCopy, aliceToken, aliceKey);
    assert.equal(header.lineage.holderTokenId, aliceToken);
    assert.equal(header.lineage.contentId, contentId);
    // The verifier keeps its own stanza as it was and writes only the holder's.
    const original = await readHeaderFromFile(published);
    assert.deepEqual(header.stanzas.at(-2), original.stanzas.at(-2));
    assert.notDeepEqual(header.stanzas[0], original.stanzas[0]);

    const opened = join(dir, "alice.bin");
    await decryptFile(aliceCopy, opened, [aliceKey.identity]);
    assert.deepEqual(new Uint8Array(await readFile(opened)), plaintext);
    assert.deepEqual(await ageDecrypt(aliceKey, aliceCopy), plaintext);
    await assert.rejects(ageDecrypt(fixture.publisherKey, aliceCopy), "the publisher's stanza is gone");
  });

  test("after a transfer the old owner is refused and the new owner is served", async () => {
    const aliceCopy = join(dir, "alice.age");
    await fixture.transfer(aliceToken, alice, bob.address);
    await assert.rejects(
      rekeyCopy(alice, aliceCopy, join(dir, "alice-again.age"), aliceToken, aliceKey),
      (error) => {
        assert.ok(error instanceof VerifierError);
        assert.equal(error.code, "NOT_OWNER");
        return true;
      },
    );
    // Bob received Alice's copy with the token: it is keyed to Alice, so he re-keys it to himself.
    const bobCopy = join(dir, "bob.age");
    const { header } = await rekeyCopy(bob, aliceCopy, bobCopy, aliceToken, bobKey);
    assert.equal(header.lineage.holderTokenId, aliceToken);
    assert.deepEqual(await ageDecrypt(bobKey, bobCopy), plaintext);
  });

  test("after a key rotation a copy for the retired identity is re-keyed to the current one", async () => {
    const current = await generateX25519Identity();
    const rotated = await startVerifier({
      rpcUrl: fixture.chain.rpcUrl,
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      identities: [current, fixture.verifier.identity],
      port: 0,
      logger: pino({ level: "silent" }),
    });
    try {
      const bobCopy = join(dir, "bob.age");
      const rotatedCopy = join(dir, "bob-rotated.age");
      const { header } = await rekeyCopy(bob, bobCopy, rotatedCopy, aliceToken, bobKey, rotated.url);
      assert.ok(await unwrapFileKey(header, [current]), "the current identity opens the new copy");
      assert.equal(
        await unwrapFileKey(header, [fixture.verifier.identity]),
        null,
        "the retired one does not",
      );
      assert.deepEqual(await ageDecrypt(bobKey, rotatedCopy), plaintext);
      // And the copy for the current identity is re-keyed again, reusing that stanza.
      const { header: again } = await rekeyCopy(
        bob,
        rotatedCopy,
        join(dir, "bob-rotated-again.age"),
        aliceToken,
        bobKey,
        rotated.url,
      );
      assert.deepEqual(again.stanzas.at(-2), header.stanzas.at(-2));
    } finally {
      await rotated.close();
    }
  });

  test("a license held by an ERC-1271 smart account is served on its owner's signature", async () => {
    const carol = fixture.accounts[4] as PrivateKeyAccount;
    const { abi, bytecode } = compileWallet();
    const wallet = createWalletClient({
      account: carol,
      chain: hardhat,
      transport: http(fixture.chain.rpcUrl),
    });
    const hash = await wallet.deployContract({ abi, bytecode, args: [carol.address] });
    const receipt = await fixture.publicClient.waitForTransactionReceipt({ hash });
    const smartAccount = getAddress(receipt.contractAddress as Address);
    const purchase = await wallet.writeContract({
      address: fixture.chain.market,
      abi: superdistMarketAbi,
      functionName: "purchase",
      args: [contentId, aliceToken, smartAccount, zeroAddress, PRICE],
      value: PRICE,
    });
    await fixture.publicClient.waitForTransactionReceipt({ hash: purchase });
    const tokenId = await fixture.publicClient.readContract({
      address: fixture.chain.market,
      abi: superdistMarketAbi,
      functionName: "totalSupply",
    });
    const owner = await fixture.publicClient.readContract({
      address: fixture.chain.market,
      abi: superdistMarketAbi,
      functionName: "ownerOf",
      args: [tokenId],
    });
    assert.equal(owner, smartAccount);

    // The smart account "signs" through its owner, who signs the EIP-712 digest itself.
    const signer = {
      signTypedData: ((typedData: Parameters<typeof hashTypedData>[0]) =>
        carol.sign({ hash: hashTypedData(typedData) })) as PrivateKeyAccount["signTypedData"],
    };
    const carolKey = await ageKeyPair();
    const carolCopy = join(dir, "carol.age");
    await rekeyCopy(signer, published, carolCopy, tokenId, carolKey);
    assert.deepEqual(await ageDecrypt(carolKey, carolCopy), plaintext);

    // The same signature shape by an EOA that is not the account's owner is refused.
    const mallory = fixture.accounts[5] as PrivateKeyAccount;
    const forger = {
      signTypedData: ((typedData: Parameters<typeof hashTypedData>[0]) =>
        mallory.sign({ hash: hashTypedData(typedData) })) as PrivateKeyAccount["signTypedData"],
    };
    await assert.rejects(rekeyCopy(forger, published, join(dir, "mallory.age"), tokenId, carolKey), {
      code: "NOT_OWNER",
    });
  });
});
