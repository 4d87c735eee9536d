/**
 * The SDK's actions on a real Hardhat node and a real verifier: publish (with the race for the predicted id),
 * purchase in ETH and in an ERC-20 with permit or an allowance, and re-key copies held in Blobs and in files.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoTokenAbi, ETH, encodeMetadata, getContent, superdistMarketAbi } from "@superdist/contracts";
import {
  decryptPackage,
  encryptPackage,
  generateX25519Identity,
  identityToRecipient,
  keyCommitment,
  parseHeader,
  rekeyBlob,
  unwrapFileKey,
  writeHeader,
} from "@superdist/package";
import { decryptFile, readHeaderFromFile } from "@superdist/package/node";
import {
  type AlreadyOwnedError,
  checkVerifier,
  findOwnedLicense,
  getMarketTerms,
  getPaymentMode,
  type PublishTerms,
  publishContent,
  purchaseLicense,
  rekeyCopy,
  type Stage,
  termsProblems,
} from "@superdist/sdk";
import { publishFile, rekeyCopyFile } from "@superdist/sdk/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  http,
  type PublicClient,
  parseEther,
  parseUnits,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";

type Signer = WalletClient<Transport, Chain, Account>;

describe("SDK actions on a local chain", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let verifierIdentity: string;
  let publicClient: PublicClient;
  let dir: string;
  const wallets: Signer[] = [];
  const publisher = () => wallets[1] as Signer;
  const device = { identity: "", recipient: "" };
  const plaintext = randomBytes(64 * 1024 * 2 + 999);

  const terms = (overrides: Partial<PublishTerms> = {}): PublishTerms => ({
    price: parseEther("0.02"),
    currency: ETH,
    rewardBps: [1000, 500],
    title: "Field recordings",
    metadataURI: encodeMetadata({ name: "Field recordings", fileName: "field.wav" }),
    ...overrides,
  });
  const publish = async (
    name: string,
    overrides: Partial<PublishTerms> = {},
    onStage?: (s: Stage) => void,
  ) => {
    await writeFile(join(dir, name), plaintext);
    return publishFile(publisher(), {
      market: chain.market,
      terms: terms(overrides),
      holderRecipients: [device.recipient],
      verifierUrls: [verifier.url],
      input: join(dir, name),
      output: join(dir, `${name}.superdist`),
      onStage,
    });
  };
  const claimable = (account: Signer, currency = ETH) =>
    publicClient.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "claimable",
      args: [account.account.address, currency],
    });

  beforeAll(async () => {
    chain = await startLocalChain();
    verifierIdentity = await generateX25519Identity();
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    publicClient = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    for (const key of chain.privateKeys) {
      wallets.push(
        createWalletClient({
          account: privateKeyToAccount(key),
          chain: hardhat,
          transport: http(chain.rpcUrl),
        }),
      );
    }
    device.identity = await generateX25519Identity();
    device.recipient = await identityToRecipient(device.identity);
    dir = await mkdtemp(join(tmpdir(), "superdist-sdk-"));
  });

  afterAll(async () => {
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("getMarketTerms reads the market's limits and the next content id", async () => {
    const market = await getMarketTerms(publicClient, { market: chain.market });
    assert.deepEqual(
      { maxDepth: market.maxDepth, feeBps: market.feeBps, maxRewardBps: market.maxRewardBps },
      { maxDepth: 8, feeBps: 0, maxRewardBps: 9500 },
    );
    const count = await publicClient.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "contentCount",
    });
    assert.equal(market.nextContentId, count + 1n);
  });

  test("terms the market would refuse are named field by field", async () => {
    const market = await getMarketTerms(publicClient, { market: chain.market });
    const problems = termsProblems(
      terms({ price: -1n, title: " ", rewardBps: [6000, 5000], royaltyBps: 9000 }),
      market,
    );
    assert.deepEqual(
      problems.map((p) => p.field),
      ["price", "title", "rewardBps", "royaltyBps"],
    );
    assert.match(problems[2]?.message ?? "", /110%; the market allows at most 95%/);
    assert.deepEqual(termsProblems(terms({ rewardBps: Array(9).fill(100) }), market)[0]?.field, "rewardBps");
    assert.deepEqual(termsProblems(terms(), market), []);
  });

  test("publishing with refused terms encrypts nothing, sends nothing and leaves no file", async () => {
    const nonce = await publicClient.getTransactionCount({ address: publisher().account.address });
    await assert.rejects(publish("refused.bin", { rewardBps: [9000, 1000] }), { code: "INVALID_TERMS" });
    assert.equal(await publicClient.getTransactionCount({ address: publisher().account.address }), nonce);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.includes(".superdist")),
      [],
    );
  });

  test("publishFile reports each stage, commits the key on chain and writes the publisher's copy", async () => {
    const stages: Stage[] = [];
    const published = await publish("field.wav", {}, (stage) => stages.push(stage));
    assert.equal(published.renumbered, false);
    const header = await readHeaderFromFile(published.output);
    assert.equal(header.lineage.contentId, published.contentId);
    assert.equal(header.lineage.holderTokenId, 0n);
    const fileKey = await unwrapFileKey(header, [device.identity]);
    assert.ok(fileKey);
    const content = await getContent(publicClient, { market: chain.market, contentId: published.contentId });
    assert.equal(content.keyCommitment, keyCommitment(fileKey));
    assert.equal(content.verifierRecipient, verifier.recipient);
    assert.deepEqual(content.rewardBps, [1000, 500]);
    const order = stages.map((s) => `${s.operation}:${s.status}`).filter((s) => s !== "encrypt:progress");
    assert.deepEqual(order, [
      "encrypt:done",
      "publish:simulating",
      "publish:signing",
      "publish:pending",
      "publish:confirmed",
    ]);
    const progress = stages.filter((s) => s.status === "progress").at(-1);
    assert.deepEqual(progress && "done" in progress && [progress.done, progress.total], [
      plaintext.length,
      plaintext.length,
    ]);
    await decryptFile(published.output, join(dir, "field.out"), [device.identity]);
    assert.deepEqual(await readFile(join(dir, "field.out")), plaintext);
  });

  test("when another publication takes the predicted id, only the header is written again, and it opens", async () => {
    const rival = wallets[5] as Signer;
    let pkg = new Uint8Array();
    let predicted = 0n;
    const replaced: bigint[] = [];
    const published = await publishContent(publisher(), {
      market: chain.market,
      terms: terms({ title: "Raced" }),
      holderRecipients: [device.recipient],
      verifierUrls: [verifier.url],
      publicClient,
      encrypt: async ({ onProgress, ...options }) => {
        predicted = options.lineage.contentId;
        const encrypted = await encryptPackage(new Blob([plaintext]).stream(), options);
        pkg = new Uint8Array(await new Response(encrypted.stream).arrayBuffer());
        onProgress(plaintext.length, plaintext.length);
        // Another publisher's transaction lands while this one is still encrypting.
        await rival.writeContract({
          address: chain.market,
          abi: superdistMarketAbi,
          functionName: "publish",
          args: [
            {
              price: 1n,
              currency: ETH,
              rewardBps: [],
              payout: rival.account.address,
              royaltyBps: 0,
              transferable: true,
              keyCommitment: keyCommitment(randomBytes(16)),
              verifierRecipient: verifier.recipient,
              title: "Rival",
              metadataURI: "",
            },
          ],
        });
      },
      replaceHeader: async (header, contentId) => {
        replaced.push(contentId);
        pkg = new Uint8Array(
          await (await rekeyBlob(new Blob([pkg]), header, { publishedAs: contentId })).arrayBuffer(),
        );
      },
    });
    assert.equal(published.renumbered, true);
    assert.equal(published.contentId, predicted + 1n);
    assert.deepEqual(replaced, [published.contentId]);
    assert.equal(parseHeader(pkg).lineage.contentId, published.contentId);
    const content = await getContent(publicClient, { market: chain.market, contentId: published.contentId });
    assert.equal(content.title, "Raced");
    const opened = await decryptPackage(new Blob([pkg]).stream(), { identities: [device.identity] });
    assert.deepEqual(Buffer.from(await new Response(opened.stream).arrayBuffer()), plaintext);
  });

  test("purchaseLicense in ETH through a referrer mints the license and credits the referrer exactly", async () => {
    const { contentId } = await publish("eth.bin");
    const a = wallets[2] as Signer;
    const b = wallets[3] as Signer;
    const first = await purchaseLicense(a, {
      market: chain.market,
      contentId,
      referrerTokenId: 0n,
      publicClient,
    });
    assert.equal(first.mode, "eth");
    const before = await claimable(a);
    const stages: string[] = [];
    const second = await purchaseLicense(b, {
      market: chain.market,
      contentId,
      referrerTokenId: first.tokenId,
      onStage: (s) => stages.push(`${s.operation}:${s.status}`),
    });
    assert.equal(second.tokenId, first.tokenId + 1n);
    assert.equal(second.receipt.transactionHash, second.transactionHash);
    assert.deepEqual(stages, [
      "purchase:simulating",
      "purchase:signing",
      "purchase:pending",
      "purchase:confirmed",
    ]);
    assert.equal((await claimable(a)) - before, parseEther("0.02") / 10n);
    const license = await publicClient.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "license",
      args: [second.tokenId],
    });
    assert.equal(license.owner, b.account.address);
    assert.equal(license.parent, first.tokenId);
  });

  test("a price raised above what the buyer agreed reverts before anything is paid", async () => {
    const { contentId } = await publish("raised.bin");
    const buyer = wallets[4] as Signer;
    await publisher().writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "setPrice",
      args: [contentId, ETH, parseEther("0.03")],
    });
    const balance = await publicClient.getBalance({ address: buyer.account.address });
    const nonce = await publicClient.getTransactionCount({ address: buyer.account.address });
    await assert.rejects(
      purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: 0n,
        maxPrice: parseEther("0.02"),
      }),
      (error: Error & { walk?: (fn: (e: unknown) => boolean) => unknown }) =>
        /PriceAboveMax/.test(String(error)),
    );
    assert.equal(await publicClient.getBalance({ address: buyer.account.address }), balance);
    assert.equal(await publicClient.getTransactionCount({ address: buyer.account.address }), nonce);
  });

  test("a currency changed since the buyer saw the price reverts before anything is approved, signed or paid", async () => {
    const agreed = parseUnits("10", 18);
    const { contentId } = await publish("moved.bin", { currency: chain.demoToken, price: agreed });
    const buyer = wallets[4] as Signer;
    // The publisher moves the content to ETH after the buyer saw it priced in the demo token.
    await publisher().writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "setPrice",
      args: [contentId, ETH, parseEther("0.01")],
    });
    const nonce = await publicClient.getTransactionCount({ address: buyer.account.address });
    const stages: string[] = [];
    await assert.rejects(
      purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: 0n,
        maxPrice: agreed,
        currency: chain.demoToken,
        onStage: (s) => stages.push(`${s.operation}:${s.status}`),
      }),
      (error: Error) => /CurrencyMismatch/.test(String(error)),
    );
    assert.deepEqual(stages, ["purchase:simulating"]);
    assert.equal(await publicClient.getTransactionCount({ address: buyer.account.address }), nonce);
  });

  test("in an ERC-20 with permit the buyer signs once, and with an allowance no permit is asked", async () => {
    const price = parseUnits("12.5", 18);
    const { contentId } = await publish("dusd.bin", { currency: chain.demoToken, price });
    const owner = wallets[0] as Signer;
    const buyer = wallets[6] as Signer;
    await owner.writeContract({
      address: chain.demoToken,
      abi: demoTokenAbi,
      functionName: "mint",
      args: [buyer.account.address, price * 2n],
    });
    const stages: string[] = [];
    const bought = await purchaseLicense(buyer, {
      market: chain.market,
      contentId,
      referrerTokenId: 0n,
      publicClient,
      onStage: (s) => stages.push(`${s.operation}:${s.status}`),
    });
    assert.equal(bought.mode, "permit");
    assert.deepEqual(stages.slice(0, 3), ["permit:signing", "permit:signed", "purchase:simulating"]);
    const balance = (who: Signer) =>
      publicClient.readContract({
        address: chain.demoToken,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [who.account.address],
      });
    assert.equal(await balance(buyer), price);

    const approval = await buyer.writeContract({
      address: chain.demoToken,
      abi: erc20Abi,
      functionName: "approve",
      args: [chain.market, price],
    });
    await publicClient.waitForTransactionReceipt({ hash: approval });
    assert.equal(
      await getPaymentMode(publicClient, {
        market: chain.market,
        currency: chain.demoToken,
        payer: buyer.account.address,
        price,
      }),
      "allowance",
    );
    const again = await purchaseLicense(buyer, {
      market: chain.market,
      contentId,
      referrerTokenId: bought.tokenId,
      again: true,
    });
    assert.equal(again.mode, "allowance");
    assert.equal(await balance(buyer), 0n);
  });

  test("rekeyCopy keys any copy to the owner's device with one signature; rekeyCopyFile does it for files", async () => {
    const published = await publish("rekey.bin");
    const buyer = wallets[7] as Signer;
    const { tokenId } = await purchaseLicense(buyer, {
      market: chain.market,
      contentId: published.contentId,
      referrerTokenId: 0n,
    });
    const buyerIdentity = await generateX25519Identity();
    const stages: string[] = [];
    const { copy } = await rekeyCopy(buyer, {
      market: chain.market,
      copy: new Blob([await readFile(published.output)]),
      tokenId,
      recipient: await identityToRecipient(buyerIdentity),
      verifierUrls: [verifier.url],
      onStage: (s) => stages.push(`${s.operation}:${s.status}`),
    });
    assert.deepEqual(stages, [
      "rekey-signature:signing",
      "rekey-signature:signed",
      "verifier:asking",
      "verifier:done",
    ]);
    const opened = await decryptPackage(copy.stream(), { identities: [buyerIdentity] });
    assert.deepEqual(Buffer.from(await new Response(opened.stream).arrayBuffer()), plaintext);

    const output = join(dir, "rekey.license.superdist");
    await rekeyCopyFile(buyer, {
      market: chain.market,
      path: published.output,
      output,
      tokenId,
      recipient: await identityToRecipient(buyerIdentity),
      verifierUrls: [verifier.url],
    });
    assert.equal((await readHeaderFromFile(output)).lineage.holderTokenId, tokenId);
    await decryptFile(output, join(dir, "rekey.out"), [buyerIdentity]);
    assert.deepEqual(await readFile(join(dir, "rekey.out")), plaintext);
  });

  test("a copy of another market is refused before anything is signed", async () => {
    const header = await writeHeader({
      fileKey: randomBytes(16),
      holderRecipients: [device.recipient],
      verifierRecipient: verifier.recipient,
      lineage: {
        chainId: BigInt(chain.chainId),
        market: "0x000000000000000000000000000000000000dead",
        contentId: 1n,
        holderTokenId: 0n,
      },
    });
    const stages: string[] = [];
    await assert.rejects(
      rekeyCopy(wallets[2] as Signer, {
        market: chain.market,
        copy: new Blob([header as Uint8Array<ArrayBuffer>, randomBytes(100)]),
        tokenId: 1n,
        recipient: device.recipient,
        verifierUrls: [verifier.url],
        onStage: (s) => stages.push(s.status),
      }),
      { code: "WRONG_MARKET" },
    );
    assert.deepEqual(stages, []);
  });
  test("a second license is refused before anything is signed, and named, unless asked for again", async () => {
    const { contentId } = await publish("twice.bin");
    const buyer = wallets[8] as Signer;
    const first = await purchaseLicense(buyer, { market: chain.market, contentId, referrerTokenId: 0n });
    const balance = await publicClient.getBalance({ address: buyer.account.address });
    const stages: string[] = [];
    await assert.rejects(
      purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: first.tokenId,
        onStage: (s) => stages.push(s.status),
      }),
      (error: AlreadyOwnedError) => error.code === "ALREADY_OWNED" && error.tokenId === first.tokenId,
    );
    assert.deepEqual(stages, []);
    assert.equal(await publicClient.getBalance({ address: buyer.account.address }), balance);
    assert.equal(
      (
        await findOwnedLicense(publicClient, {
          market: chain.market,
          contentId,
          account: buyer.account.address,
        })
      )?.tokenId,
      first.tokenId,
    );
  });

  test("with the verifier down or not the content's, nothing is sold", async () => {
    const { contentId } = await publish("verifier.bin");
    const buyer = wallets[9] as Signer;
    const balance = await publicClient.getBalance({ address: buyer.account.address });
    const down = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [await generateX25519Identity()],
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    const stranger = down.url;
    await assert.rejects(
      purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: 0n,
        verifierUrls: [stranger],
      }),
      { code: "VERIFIER_MISMATCH" },
    );
    await down.close();
    await assert.rejects(
      purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: 0n,
        verifierUrls: [stranger],
      }),
      { code: "VERIFIER_UNAVAILABLE" },
    );
    assert.equal(await publicClient.getBalance({ address: buyer.account.address }), balance);
    assert.equal(
      (await checkVerifier(publicClient, { market: chain.market, contentId, verifierUrls: [verifier.url] }))
        .recipient,
      verifier.recipient,
    );
  });

  test("on a chain that mines every second, a purchase resolves once the verifier's depth is reached", async () => {
    const { contentId, output } = await publish("deep.bin");
    const deep = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      confirmations: 2,
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    const buyer = wallets[3] as Signer;
    await publicClient.request({ method: "evm_setAutomine" as never, params: [false] as never });
    await publicClient.request({ method: "evm_setIntervalMining" as never, params: [1000] as never });
    try {
      const waits: string[] = [];
      const { tokenId, receipt } = await purchaseLicense(buyer, {
        market: chain.market,
        contentId,
        referrerTokenId: 0n,
        verifierUrls: [deep.url],
        // Receipts polled often, so that the wait for depth is seen from its first block.
        publicClient: createPublicClient({
          chain: hardhat,
          transport: http(chain.rpcUrl),
          pollingInterval: 100,
        }),
        onStage: (s) => {
          if (s.status === "waiting") waits.push(`${s.seen}/${s.needed}`);
        },
      });
      assert.equal(waits.at(-1), "2/2");
      assert.ok(waits.length >= 2, "it waited for blocks to be mined");
      assert.ok((await publicClient.getBlockNumber()) >= receipt.blockNumber + 2n);
      const identity = await generateX25519Identity();
      const { copy } = await rekeyCopy(buyer, {
        market: chain.market,
        copy: new Blob([await readFile(output)]),
        tokenId,
        recipient: await identityToRecipient(identity),
        verifierUrls: [deep.url],
      });
      const opened = await decryptPackage(copy.stream(), { identities: [identity] });
      assert.deepEqual(Buffer.from(await new Response(opened.stream).arrayBuffer()), plaintext);
    } finally {
      await publicClient.request({ method: "evm_setIntervalMining" as never, params: [0] as never });
      await publicClient.request({ method: "evm_setAutomine" as never, params: [true] as never });
      await deep.close();
    }
  });
});
