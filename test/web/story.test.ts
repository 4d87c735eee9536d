/**
 * The whole superdistribution story in browsers: a publisher publishes, A buys and saves a copy, B opens A's
 * copy (the check fails), buys through it and is re-keyed, C buys through B's link; A and B claim their rewards
 * with exact balance changes. Along the way: a rejected signature, a rejected transaction, a wallet on the wrong
 * network, a purchase reverted because the price rose, and an ERC-20 purchase with a permit.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { demoTokenAbi, superdistMarketAbi } from "@superdist/contracts";
import {
  decryptPackage,
  generateX25519Identity,
  identityToRecipient,
  keyCommitment,
  parseHeader,
  unwrapFileKey,
} from "@superdist/package";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  erc20Abi,
  type Hash,
  http,
  type PublicClient,
  parseEther,
  parseEventLogs,
  parseUnits,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, ROOT, startLocalChain } from "../../scripts/stack/chain.ts";
import { startTracker, type Tracker } from "../../scripts/stack/trackerServer.ts";
import { formatAmount, shortAddress } from "../../web/src/lib/format.ts";
import { serveDapp } from "./fixture.ts";
import { connect, download, openUser, screenshot, txHash, type User, type WebServer } from "./harness.ts";

const BPS = 10_000n;

/** A small valid PNG (a gradient), so the cover goes through real image decoding and scaling. */
function gradientPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (width * 3 + 1) + 1 + x * 3;
      rows[at] = Math.round((x / width) * 255);
      rows[at + 1] = 90;
      rows[at + 2] = Math.round((y / height) * 255);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function gasCost(client: PublicClient, hash: Hash): Promise<bigint> {
  const receipt = await client.getTransactionReceipt({ hash });
  return receipt.gasUsed * receipt.effectiveGasPrice;
}

async function packageLineage(path: string) {
  return parseHeader(new Uint8Array(await readFile(path))).lineage;
}

describe("the superdistribution story", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let verifierIdentity: string;
  let web: WebServer;
  let client: PublicClient;
  let dir: string;
  let plaintextPath: string;
  let publisherCopy: string;
  let aCopy: string;
  let bCopy: string;
  let shareLink: string;
  let p2pLink: string;
  let seeder: User;
  let tracker: Tracker | undefined;
  let price: bigint;
  const users: User[] = [];
  const keys = () => ({
    publisher: chain.privateKeys[1],
    a: chain.privateKeys[2],
    b: chain.privateKeys[3],
    c: chain.privateKeys[4],
    d: chain.privateKeys[5],
  });
  const addressOf = (key: `0x${string}`) => privateKeyToAccount(key).address;

  async function user(privateKey?: `0x${string}`): Promise<User> {
    const opened = await openUser(
      privateKey ? { privateKey, rpcUrl: chain.rpcUrl, chainId: chain.chainId } : undefined,
    );
    users.push(opened);
    return opened;
  }

  async function done(finished: User): Promise<void> {
    assert.deepEqual(finished.errors, []);
    users.splice(users.indexOf(finished), 1);
    await finished.close();
  }

  async function claimable(account: Address): Promise<bigint> {
    return client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "claimable",
      args: [account, "0x0000000000000000000000000000000000000000"],
    });
  }

  beforeAll(async () => {
    chain = await startLocalChain();
    client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    verifierIdentity = await generateX25519Identity();
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "silent" }),
    });
    tracker = await startTracker();
    web = await serveDapp(chain, {
      SUPERDIST_TRACKER_URL: tracker.url,
      SUPERDIST_DEMO_TOKEN: chain.demoToken,
      SUPERDIST_VERIFIER_URL: verifier.url,
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-story-"));
    plaintextPath = join(dir, "field-notes.txt");
    const lines = Array.from({ length: 4_000 }, (_, i) => `${i}: ${randomBytes(24).toString("hex")}\n`);
    await writeFile(plaintextPath, `Field notes\n${lines.join("")}`);
  });

  afterAll(async () => {
    await Promise.all(users.map((opened) => opened.close()));
    await web?.stop();
    await verifier?.close();
    await tracker?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the publisher encrypts a file in the browser, publishes it and downloads the first copy", async () => {
    const publisher = await user(keys().publisher);
    const { page } = publisher;
    await page.goto(`${web.url}/publish`);
    await connect(page);
    await page.getByLabel("File", { exact: true }).setInputFiles(plaintextPath);
    await page.getByLabel("Title").fill("Field notes");
    await page.getByLabel("Description").fill("Notes from a season in the field, one line a day.");
    await page
      .getByLabel("Cover image (optional)")
      .setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: gradientPng(96, 54) });
    await page.getByAltText("Cover preview").waitFor();
    await page.getByLabel("Price").fill("0.01");
    await page.getByTestId("split-level-2").waitFor();
    await screenshot(page, "publish");
    await page.getByRole("button", { name: "Encrypt and publish" }).click();
    await page.getByTestId("published").waitFor({ timeout: 60_000 });
    publisherCopy = await download(page, page.getByRole("button", { name: "Download your first copy" }), dir);
    assert.equal(publisherCopy.endsWith("field-notes.txt.superdist"), true);

    const content = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "content",
      args: [1n],
    });
    price = content.price;
    assert.equal(content.title, "Field notes");
    assert.equal(content.price, parseEther("0.01"));
    assert.deepEqual(content.rewardBps, [1000, 500]);
    assert.equal(content.publisher, addressOf(keys().publisher));
    assert.equal(content.verifierRecipient, await identityToRecipient(verifierIdentity));

    // The package is genuine: its lineage names content 1 and the publisher's copy, the verifier can unwrap its
    // key, the key matches the commitment on chain, and it decrypts to the very file.
    const bytes = new Uint8Array(await readFile(publisherCopy));
    const header = parseHeader(bytes);
    assert.deepEqual(header.lineage, {
      chainId: BigInt(chain.chainId),
      market: chain.market.toLowerCase(),
      contentId: 1n,
      holderTokenId: 0n,
    });
    const fileKey = await unwrapFileKey(header, [verifierIdentity]);
    assert.ok(fileKey);
    assert.equal(keyCommitment(fileKey), content.keyCommitment);
    const opened = await decryptPackage(new Blob([bytes]).stream(), { identities: [verifierIdentity] });
    const plaintext = Buffer.from(await new Response(opened.stream).arrayBuffer());
    assert.deepEqual(plaintext, await readFile(plaintextPath));
    await done(publisher);
  });

  test("the catalog shows the content to a visitor without a wallet", async () => {
    const visitor = await user();
    const { page } = visitor;
    await page.goto(web.url);
    const card = page.getByTestId("content-card").filter({ hasText: "Field notes" });
    await card.waitFor();
    assert.equal(await card.getByTestId("price").textContent(), formatAmount(price, 18, "ETH", 6));
    assert.equal(await card.getByTestId("schedule").textContent(), "Referrers earn 10% · 5%");
    assert.equal(await card.getByTestId("sold").textContent(), "0 licenses sold");
    assert.equal(await card.getByRole("img", { name: "Cover of Field notes" }).count(), 1);
    await screenshot(page, "catalog");
    await page.setViewportSize({ width: 390, height: 844 });
    await screenshot(page, "catalog-phone");
    await done(visitor);
  });

  test("A buys on the content page, then re-keys the publisher's copy and saves it", async () => {
    const a = await user(keys().a);
    const { page } = a;
    await page.goto(`${web.url}/content/1`);
    await connect(page);
    const before = await client.getBalance({ address: addressOf(keys().a) });
    await page.getByTestId("split-publisher").waitFor();
    await screenshot(page, "content");
    await page.getByRole("button", { name: `Buy for ${formatAmount(price, 18, "ETH", 6)}` }).click();
    const hash = await txHash(page, "Purchase");
    await page.getByTestId("purchased").filter({ hasText: "License #1 is yours." }).waitFor();
    const after = await client.getBalance({ address: addressOf(keys().a) });
    assert.equal(before - after, price + (await gasCost(client, hash)));
    assert.equal(
      await client.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "ownerOf",
        args: [1n],
      }),
      addressOf(keys().a),
    );

    await page.goto(`${web.url}/open`);
    await page.getByTestId("package-input").setInputFiles(publisherCopy);
    // A owns a license now: the publisher's copy is worded as A's to unlock, not as a failed check.
    await page
      .getByTestId("owned-copy")
      .filter({ hasText: "It is the publisher's copy, and you own license #1 of this content" })
      .waitFor();
    assert.equal(await page.getByTestId("check-failed").count(), 0);
    await page.getByRole("button", { name: "Make this copy mine and open it" }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    // The preview reads the decrypted file after the panel appears: wait for its text, then check it.
    await page.getByTestId("preview").filter({ hasText: "Field notes" }).waitFor();
    const preview = await page.getByTestId("preview").textContent();
    assert.ok(preview?.startsWith("Field notes\n0: "));
    aCopy = await download(page, page.getByRole("button", { name: "Save your copy (license #1)" }), dir);
    assert.equal((await packageLineage(aCopy)).holderTokenId, 1n);
    assert.equal(aCopy.endsWith("field-notes.txt.license-1.superdist"), true);

    // A shares the copy, offered from this browser, and keeps the page open, as a seeder must, until B has it.
    await page.goto(`${web.url}/library`);
    const item = page.getByTestId("license").filter({ hasText: "License #1" });
    await item.getByRole("button", { name: "Share" }).click();
    p2pLink = await item.getByTestId("share-link").inputValue();
    assert.match(p2pLink, new RegExp(`^${web.url}/content/1\\?ref=1#magnet:\\?xt=urn:btih:[0-9a-f]{40}`));
    await screenshot(page, "library-share");
    seeder = a;
  });

  test("B fetches A's copy peer to peer: the check fails; B buys through it, rejects the first re-key signature, then opens it", async () => {
    const b = await user(keys().b);
    const { page } = b;
    const wallet = b.wallet;
    assert.ok(wallet);
    // B pastes A's link where a copy is opened, rather than following it to the content page.
    await page.goto(`${web.url}/open`);
    await connect(page);
    await page.getByLabel("Or paste a peer-to-peer share link").fill(p2pLink);
    await page.getByRole("button", { name: "Fetch" }).click();
    const check = page.getByTestId("check-failed");
    await check.waitFor();
    await check
      .getByText(`This copy belongs to license #1 (${shortAddress(addressOf(keys().a))}).`)
      .waitFor();
    const level1 = page.getByTestId("split-level-1");
    await level1.waitFor();
    assert.match((await level1.textContent()) ?? "", /Level 1 · license #1/);
    assert.match(
      (await level1.textContent()) ?? "",
      new RegExp(formatAmount((price * 1000n) / BPS, 18, "ETH", 6)),
    );
    assert.equal(await page.getByTestId("split-level-2").count(), 0);
    await screenshot(page, "open-check-failed");
    await done(seeder);

    const claimableBefore = await claimable(addressOf(keys().a));
    wallet.rejectNext("eth_signTypedData_v4");
    await page.getByRole("button", { name: `Buy for ${formatAmount(price, 18, "ETH", 6)}` }).click();
    await txHash(page, "Purchase");
    await page
      .getByTestId("tx-status")
      .filter({ hasText: "Unlock signature: You rejected the request in your wallet." })
      .waitFor();
    assert.equal(await claimable(addressOf(keys().a)), claimableBefore + (price * 1000n) / BPS);

    await page.getByRole("button", { name: "Make this copy mine and open it" }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    await screenshot(page, "open");
    const saved = await download(page, page.getByRole("button", { name: /^Save the file/ }), dir);
    assert.deepEqual(await readFile(saved), await readFile(plaintextPath));
    bCopy = await download(page, page.getByRole("button", { name: "Save your copy (license #2)" }), dir);
    assert.equal((await packageLineage(bCopy)).holderTokenId, 2n);

    await page.goto(`${web.url}/library`);
    const item = page.getByTestId("license").filter({ hasText: "License #2" });
    await item.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser." }).waitFor();
    await item.getByRole("button", { name: "Share" }).click();
    shareLink = await item.getByTestId("share-link").inputValue();
    assert.match(shareLink, new RegExp(`^${web.url}/content/1\\?ref=2#magnet:\\?xt=urn:btih:[0-9a-f]{40}`));
    await screenshot(page, "library");
    await done(b);
  });

  test("C follows B's link, rejects the first transaction, buys through B's license, and re-keys B's copy in the library", async () => {
    const c = await user(keys().c);
    const { page } = c;
    const wallet = c.wallet;
    assert.ok(wallet);
    await page.goto(shareLink);
    await connect(page);
    await page.getByTestId("referrer").filter({ hasText: "license #2" }).waitFor();
    await page.getByTestId("split-level-2").waitFor();
    assert.match((await page.getByTestId("split-level-1").textContent()) ?? "", /#2/);
    assert.match((await page.getByTestId("split-level-2").textContent()) ?? "", /#1/);
    await screenshot(page, "content-referred");

    wallet.rejectNext("eth_sendTransaction");
    const buy = page.getByRole("button", { name: `Buy for ${formatAmount(price, 18, "ETH", 6)}` });
    await buy.click();
    await page
      .getByTestId("tx-status")
      .filter({ hasText: "Purchase: You rejected the request in your wallet." })
      .waitFor();
    await buy.click();
    await page.getByTestId("purchased").filter({ hasText: "License #3 is yours." }).waitFor();
    const license = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "license",
      args: [3n],
    });
    assert.equal(license.parent, 2n);
    assert.equal(license.owner, addressOf(keys().c));

    // C holds no copy yet; given B's, the library re-keys it to C's license.
    await page.goto(`${web.url}/library`);
    const item = page.getByTestId("license").filter({ hasText: "License #3" });
    await item.getByTestId("copy-status").filter({ hasText: "No copy in this browser." }).waitFor();
    await page.goto(`${web.url}/open`);
    await page.getByTestId("package-input").setInputFiles(bCopy);
    await page.getByRole("heading", { name: "You already own license #3" }).waitFor();
    await page.goto(`${web.url}/library`);
    await item
      .getByTestId("copy-status")
      .filter({ hasText: "This browser has a copy of license #2" })
      .waitFor();
    await item.getByRole("button", { name: "Make this copy mine" }).click();
    await item.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser." }).waitFor();
    const cCopy = await download(page, item.getByRole("button", { name: "Download my copy" }), dir);
    assert.equal((await packageLineage(cCopy)).holderTokenId, 3n);
    await done(c);
  });

  test("A claims from a wallet on the wrong network; B claims too; both with exact balance changes", async () => {
    const expectedA = (price * 1000n) / BPS + (price * 500n) / BPS;
    const expectedB = (price * 1000n) / BPS;
    assert.equal(await claimable(addressOf(keys().a)), expectedA);
    assert.equal(await claimable(addressOf(keys().b)), expectedB);

    for (const [key, expected, wrongNetwork] of [
      [keys().a, expectedA, true],
      [keys().b, expectedB, false],
    ] as const) {
      const claimer = await user(key);
      const { page } = claimer;
      const wallet = claimer.wallet;
      assert.ok(wallet);
      await page.goto(`${web.url}/rewards`);
      await connect(page);
      const owed = page.getByTestId("claimable");
      await owed.waitFor();
      assert.equal((await owed.textContent())?.trim(), formatAmount(expected, 18, "ETH", 6));
      await page.getByTestId("referral-tree").waitFor();
      const nodes = await page
        .getByTestId("tree-node")
        .evaluateAll((elements) => elements.map((element) => element.getAttribute("data-token-id")));
      assert.deepEqual(nodes, wrongNetwork ? ["1", "2", "3"] : ["2", "3"]);
      if (wrongNetwork) await screenshot(page, "rewards");
      if (wrongNetwork) {
        await wallet.setChain(1);
        await page.getByTestId("network-banner").waitFor();
      }
      const before = await client.getBalance({ address: addressOf(key) });
      await page.getByRole("button", { name: "Claim" }).click();
      const hash = await txHash(page, "Claim");
      const after = await client.getBalance({ address: addressOf(key) });
      assert.equal(after - before, expected - (await gasCost(client, hash)));
      assert.equal(await claimable(addressOf(key)), 0n);
      if (wrongNetwork) assert.ok(wallet.requests.includes("wallet_switchEthereumChain"));
      await page.getByTestId("nothing-to-claim").waitFor();
      await done(claimer);
    }
  });

  test("a purchase reverts in words when the price rose above what the buyer agreed to", async () => {
    const d = await user(keys().d);
    const { page } = d;
    await page.goto(`${web.url}/content/1`);
    await connect(page);
    const buy = page.getByRole("button", { name: `Buy for ${formatAmount(price, 18, "ETH", 6)}` });
    await buy.waitFor();
    const publisher = createWalletClient({
      account: privateKeyToAccount(keys().publisher),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const raised = price * 2n;
    await client.waitForTransactionReceipt({
      hash: await publisher.writeContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "setPrice",
        args: [1n, "0x0000000000000000000000000000000000000000", raised],
      }),
    });
    const supply = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "totalSupply",
    });
    await buy.click();
    const failed = page.getByTestId("tx-status").filter({ hasText: "Purchase:" });
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=tx-status]")].some(
        (e) => e.getAttribute("data-stage") === "failed",
      ),
    );
    assert.equal(
      await failed.textContent(),
      `Purchase: The price changed to ${formatAmount(raised, 18, "ETH", 6)}, above the ${formatAmount(price, 18, "ETH", 6)} you agreed to pay. Nothing was charged; check the new price and buy again.`,
    );
    await screenshot(page, "purchase-reverted");
    assert.equal(
      await client.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "totalSupply",
      }),
      supply,
    );
    await done(d);
  });

  test("an ERC-20 purchase signs a permit, then buys in one transaction", async () => {
    const owner = createWalletClient({
      account: privateKeyToAccount(chain.privateKeys[0]),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const publisher = createWalletClient({
      account: privateKeyToAccount(keys().publisher),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const decimals = await client.readContract({
      address: chain.demoToken,
      abi: demoTokenAbi,
      functionName: "decimals",
    });
    const symbol = await client.readContract({
      address: chain.demoToken,
      abi: demoTokenAbi,
      functionName: "symbol",
    });
    const tokenPrice = parseUnits("5", decimals);
    const buyer = addressOf(keys().d);
    await client.waitForTransactionReceipt({
      hash: await owner.writeContract({
        address: chain.demoToken,
        abi: demoTokenAbi,
        functionName: "mint",
        args: [buyer, tokenPrice * 3n],
      }),
    });
    await client.waitForTransactionReceipt({
      hash: await publisher.writeContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "publish",
        args: [
          {
            price: tokenPrice,
            currency: chain.demoToken,
            rewardBps: [2000],
            payout: publisher.account.address,
            royaltyBps: 0,
            transferable: true,
            keyCommitment: `0x${randomBytes(32).toString("hex")}`,
            verifierRecipient: await identityToRecipient(verifierIdentity),
            title: "Priced in tokens",
            metadataURI: "",
          },
        ],
      }),
    });
    const d = await user(keys().d);
    const { page } = d;
    await page.goto(`${web.url}/content/2`);
    await connect(page);
    await page.getByText(/^Sign a permission for the market to take/).waitFor();
    await screenshot(page, "content-erc20");
    const balanceBefore = await client.readContract({
      address: chain.demoToken,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [buyer],
    });
    await page
      .getByRole("button", { name: `Buy for ${formatAmount(tokenPrice, decimals, symbol, 6)}` })
      .click();
    await page.getByTestId("tx-status").filter({ hasText: "Permission: Signed." }).waitFor();
    await txHash(page, "Purchase");
    await page.getByTestId("purchased").waitFor();
    const balanceAfter = await client.readContract({
      address: chain.demoToken,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [buyer],
    });
    assert.equal(balanceBefore - balanceAfter, tokenPrice);
    assert.ok(d.wallet?.requests.includes("eth_signTypedData_v4"));
    assert.equal(d.wallet?.requests.filter((method) => method === "eth_sendTransaction").length, 1);
    await done(d);
  });

  test("a token without permit is approved first; a fee-on-transfer token is then refused in words", async () => {
    const artifact = JSON.parse(
      await readFile(
        join(ROOT, "artifacts/contracts/mocks/FeeOnTransferToken.sol/FeeOnTransferToken.json"),
        "utf8",
      ),
    );
    const publisher = createWalletClient({
      account: privateKeyToAccount(keys().publisher),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const deployed = await client.waitForTransactionReceipt({
      hash: await publisher.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode }),
    });
    const token = deployed.contractAddress as Address;
    const tokenPrice = parseUnits("10", 18);
    const buyer = addressOf(keys().c);
    await client.waitForTransactionReceipt({
      hash: await publisher.writeContract({
        address: token,
        abi: artifact.abi,
        functionName: "mint",
        args: [buyer, tokenPrice * 2n],
      }),
    });
    const published = await client.waitForTransactionReceipt({
      hash: await publisher.writeContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "publish",
        args: [
          {
            price: tokenPrice,
            currency: token,
            rewardBps: [],
            payout: publisher.account.address,
            royaltyBps: 0,
            transferable: false,
            keyCommitment: `0x${randomBytes(32).toString("hex")}`,
            verifierRecipient: await identityToRecipient(verifierIdentity),
            title: "Priced in a deflationary token",
            metadataURI: "",
          },
        ],
      }),
    });
    const [event] = parseEventLogs({
      abi: superdistMarketAbi,
      logs: published.logs,
      eventName: "ContentPublished",
    });
    const c = await user(keys().c);
    const { page } = c;
    await page.goto(`${web.url}/content/${event.args.contentId}`);
    await connect(page);
    await page.getByText("Approve the market to take 10 FEE from your FEE.").waitFor();
    await page.getByRole("button", { name: "Buy for 10 FEE" }).click();
    await txHash(page, "Approval");
    assert.equal(
      await client.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "allowance",
        args: [buyer, chain.market],
      }),
      tokenPrice,
    );
    const failed = page.getByTestId("tx-status").filter({ hasText: "Purchase:" });
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=tx-status]")].some(
        (e) => e.getAttribute("data-stage") === "failed",
      ),
    );
    assert.equal(
      await failed.textContent(),
      // The mock burns 1% of every transfer.
      `Purchase: The token kept a fee on transfer (${formatAmount(tokenPrice - tokenPrice / 100n, 18, "FEE", 6)} arrived of ${formatAmount(tokenPrice, 18, "FEE", 6)}), so it cannot pay for licenses.`,
    );
    assert.equal(
      await client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [buyer] }),
      tokenPrice * 2n,
    );
    await done(c);
  });
});
