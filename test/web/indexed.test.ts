/**
 * The dApp's lists read from the indexer, in a real Chromium: the catalog, a content page, the Library and the
 * Rewards page come from the index (the page never asks the node for logs) and follow a new sale by themselves.
 * With the indexer stopped, the page says so, shows no list it can't vouch for, and buying, opening and claiming
 * still work, since they ask the chain. On the same market: the catalog's search, a publisher's dashboard and edits,
 * and the publish form's words for bad input.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ETH, superdistMarketAbi } from "@superdist/contracts";
import { type RunningIndexer, startIndexer } from "@superdist/indexer";
import { waitForIndexedBlock } from "@superdist/indexer/client";
import { purchasedTokenId } from "@superdist/sdk";
import type { StartedVerifier } from "@superdist/verifier";
import type { Page } from "playwright-core";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  formatEther,
  http,
  type PublicClient,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { publishText, serveDapp, startTestVerifier, userPool } from "./fixture.ts";
import { connect, screenshot, txHash, type User, type WebServer } from "./harness.ts";

const PRICE = parseEther("0.01");

/** Every JSON-RPC method the page sends to the node, and how many requests it sends to the indexer. */
function watchRequests(page: Page, rpcUrl: string, indexerUrl: string) {
  const methods: string[] = [];
  let indexReads = 0;
  page.on("request", (request) => {
    if (request.url().startsWith(indexerUrl)) indexReads++;
    if (!request.url().startsWith(rpcUrl) || request.method() !== "POST") return;
    const body = JSON.parse(request.postData() ?? "null") as
      | { method?: string }
      | { method?: string }[]
      | null;
    for (const call of [body ?? []].flat()) if (call.method) methods.push(call.method);
  });
  return { methods, indexReads: () => indexReads };
}

describe("lists from the indexer", () => {
  let chain: LocalChain;
  let client: PublicClient;
  let verifier: StartedVerifier;
  let indexer: RunningIndexer;
  let indexerUrl: string;
  let web: WebServer;
  let dir: string;
  let publisherCopy: string;
  let contentId: bigint;
  let quietId: bigint;
  const tokens: bigint[] = [];
  const key = (index: number) => chain.privateKeys[index];
  const addressOf = (index: number): Address => privateKeyToAccount(key(index)).address;

  const buy = async (buyer: number, referrer: bigint) => {
    const wallet = createWalletClient({
      account: privateKeyToAccount(key(buyer)),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const hash = await wallet.writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "purchase",
      args: [contentId, referrer, addressOf(buyer), ETH, PRICE],
      value: PRICE,
    });
    return purchasedTokenId(await client.waitForTransactionReceipt({ hash }));
  };
  const claimable = (index: number) =>
    client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "claimable",
      args: [addressOf(index), ETH],
    });
  let pool: ReturnType<typeof userPool>;
  const user = (index: number) => pool.user(key(index));
  const done = (finished: User) => pool.done(finished);

  beforeAll(async () => {
    chain = await startLocalChain();
    client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    dir = await mkdtemp(join(tmpdir(), "superdist-indexed-"));
    pool = userPool(chain);
    verifier = await startTestVerifier(chain);
    const published = await publishText(chain, {
      publisherKey: key(1),
      dir,
      fileName: "atlas.txt",
      text: `Indexed atlas\n${randomBytes(20_000).toString("hex")}\n`,
      title: "Indexed atlas",
      price: PRICE,
      currency: ETH,
      rewardBps: [1000, 500],
      verifierUrl: verifier.url,
    });
    contentId = published.contentId;
    publisherCopy = published.output;
    const quiet = await publishText(chain, {
      publisherKey: key(1),
      dir,
      fileName: "quiet.txt",
      text: "Quiet pages\n",
      title: "Quiet pages",
      price: 5n * 10n ** 18n,
      currency: chain.demoToken,
      rewardBps: [2000],
      verifierUrl: verifier.url,
    });
    quietId = quiet.contentId;
    // A buys; B through A; C through B: A's tree is three deep.
    tokens.push(await buy(2, 0n));
    tokens.push(await buy(3, tokens[0]));
    tokens.push(await buy(4, tokens[1]));

    const port = await freePort();
    indexerUrl = `http://127.0.0.1:${port}`;
    indexer = await startIndexer({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      deployBlock: chain.deployBlock,
      dataDir: join(dir, "index"),
      port,
    });
    await waitForIndexedBlock(indexer.client, {
      blockNumber: await client.getBlockNumber({ cacheTime: 0 }),
      timeoutMs: 120_000,
    });
    web = await serveDapp(chain, {
      SUPERDIST_VERIFIER_URL: verifier.url,
      SUPERDIST_INDEXER_URL: indexerUrl,
    });
  });

  afterAll(async () => {
    await pool?.closeAll();
    await web?.stop();
    await indexer?.stop();
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the catalog, the content page, the Library and the Rewards page read the index, never the logs", async () => {
    const a = await user(2);
    const { page } = a;
    const requests = watchRequests(page, chain.rpcUrl, indexerUrl);
    await page.goto(`${web.url}/`);
    const card = page.getByTestId("content-card").filter({ hasText: "Indexed atlas" });
    await card.getByTestId("sold").filter({ hasText: "3 licenses sold" }).waitFor();

    // A sale made elsewhere shows up by itself: the page follows the index as it follows the chain.
    tokens.push(await buy(5, tokens[2]));
    await card.getByTestId("sold").filter({ hasText: "4 licenses sold" }).waitFor();

    await page.goto(`${web.url}/content/${contentId}`);
    await page.getByTestId("sold").filter({ hasText: "4 · 4 holders" }).waitFor();
    await connect(page);
    await page
      .getByTestId("your-copy")
      .filter({ hasText: `license #${tokens[0]}` })
      .waitFor();

    await page.goto(`${web.url}/library`);
    const licenses = page.getByTestId("license");
    await licenses.first().waitFor();
    assert.deepEqual(await licenses.evaluateAll((items) => items.map((item) => item.dataset.tokenId)), [
      tokens[0].toString(),
    ]);

    await page.goto(`${web.url}/rewards`);
    await page.getByTestId("referral-tree").waitFor();
    const nodes = await page
      .getByTestId("tree-node")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-token-id")));
    assert.deepEqual(nodes, tokens.map(String));
    await page.getByTestId("referral-tree").getByText("Indexed atlas", { exact: true }).waitFor();
    // Credits at levels 1 and 2 (B's and C's purchases), each dated, with its transaction.
    const history = page.getByTestId("history");
    await history.waitFor();
    assert.equal(await history.locator("tbody tr").count(), 2);
    assert.equal(await history.locator("tbody time").count(), 2);
    await history.getByText(/Level 2 reward: license #\d+ of “Indexed atlas”/).waitFor();
    assert.equal(
      await page.getByTestId("claimable").locator("li").first().textContent(),
      // 10% at level 1 and 5% at level 2; D's purchase, three levels down, pays A nothing.
      `${formatEther(PRICE / 10n + PRICE / 20n)} ETH`,
    );
    await screenshot(page, "rewards-indexed");

    assert.ok(requests.indexReads() > 0, "the page never read the index");
    assert.deepEqual(
      requests.methods.filter((method) => method === "eth_getLogs"),
      [],
      "the page scanned the node's logs",
    );
    await done(a);
  });

  test("the catalog is searched, filtered by currency and sorted by sales", async () => {
    const visitor = await user(7);
    const { page } = visitor;
    await page.goto(`${web.url}/`);
    const cards = page.getByTestId("content-card");
    await cards.first().waitFor();
    const titles = () =>
      cards.evaluateAll((items) => items.map((item) => item.querySelector("h2")?.textContent));
    // Newest first: the content published with no sales comes before the atlas.
    assert.deepEqual(await titles(), ["Quiet pages", "Indexed atlas"]);
    await page.getByLabel("Sort").selectOption("most-sold");
    assert.deepEqual(await titles(), ["Indexed atlas", "Quiet pages"]);
    await page.getByLabel("Search by title").fill("quiet");
    assert.deepEqual(await titles(), ["Quiet pages"]);
    await page.getByLabel("Search by title").fill("");
    await page.getByLabel("Currency").selectOption({ label: "DUSD" });
    assert.deepEqual(await titles(), ["Quiet pages"]);
    await page.getByLabel("Search by title").fill("atlas");
    await page.getByTestId("no-match").waitFor();
    await page.getByRole("button", { name: "Show everything" }).click();
    assert.deepEqual(await titles(), ["Indexed atlas", "Quiet pages"]);
    await done(visitor);
  });

  test("before buying, the page shows the balance in the content's currency and the network fee, and asks nothing of a buyer who can't pay", async () => {
    const buyer = await user(7);
    const { page } = buyer;
    await page.goto(`${web.url}/content/${contentId}`);
    await connect(page);
    await page
      .getByTestId("network-fee")
      .filter({ hasText: /^about 0\.0\d* ETH$/ })
      .waitFor();
    assert.match((await page.getByTestId("balance").textContent()) ?? "", /^10,000 ETH$/);
    await page.goto(`${web.url}/content/${quietId}`);
    await page
      .getByTestId("balance")
      .filter({ hasText: /^0 DUSD · 10,000 ETH$/ })
      .waitFor();
    await page
      .getByTestId("not-enough")
      .filter({ hasText: "Your 0 DUSD does not cover the price." })
      .waitFor();
    assert.equal(await page.getByRole("button", { name: /^Buy for / }).isDisabled(), true);
    await done(buyer);
  });

  test("a publisher finds their publications with their sales, and changes price and pause, refused in words when wrong", async () => {
    const publisher = await user(1);
    const { page } = publisher;
    await page.goto(`${web.url}/library`);
    await connect(page);
    const publication = page.getByTestId("publication").filter({ hasText: "Indexed atlas" });
    await publication.getByTestId("dashboard-sold").filter({ hasText: "4 licenses sold" }).waitFor();
    assert.match((await publication.getByTestId("revenue").textContent()) ?? "", /ETH4\s*0\.04 ETH/);
    assert.equal(await publication.getByTestId("tree-node").count(), 4);

    await publication.getByRole("link", { name: "Manage" }).click();
    const priceForm = page.getByRole("form", { name: "Price and currency" });
    await priceForm.getByLabel("Price").fill("-1");
    await priceForm.getByText("The price must be a number of ETH, 0 or more.").waitFor();
    assert.equal(await priceForm.getByRole("button", { name: "Change the price" }).isDisabled(), true);
    await priceForm.getByLabel("Price").fill("0.02");
    await priceForm.getByRole("button", { name: "Change the price" }).click();
    await txHash(page, "New price");
    const content = () =>
      client.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "content",
        args: [contentId],
      });
    assert.equal((await content()).price, parseEther("0.02"));

    const payoutForm = page.getByRole("form", { name: "Payout" });
    await payoutForm.getByLabel("Sales are paid to").fill(`0x${"0".repeat(40)}`);
    await payoutForm.getByRole("button", { name: "Change the payout" }).click();
    await page.waitForSelector("[data-testid=tx-status][data-stage=failed]");
    assert.match(
      (await payoutForm.getByTestId("tx-status").textContent()) ?? "",
      /the zero address cannot receive anything/,
    );
    assert.equal((await content()).payout, addressOf(1));

    await page.getByRole("button", { name: "Pause sales" }).click();
    await txHash(page, "Sales");
    assert.equal((await content()).paused, true);
    await page.goto(`${web.url}/`);
    await page
      .getByTestId("content-card")
      .filter({ hasText: "Indexed atlas" })
      .getByText("sales paused")
      .waitFor();
    await page.goto(`${web.url}/content/${contentId}/manage`);
    await page.getByRole("button", { name: "Resume sales" }).click();
    await txHash(page, "Sales");
    assert.equal((await content()).paused, false);
    await screenshot(page, "manage");
    await done(publisher);
  });

  test("publishing says beside each field what is wrong, and what is missing, before anything is signed", async () => {
    const publisher = await user(1);
    const { page } = publisher;
    await page.goto(`${web.url}/publish`);
    await connect(page);
    const blocked = page.getByTestId("publish-blocked");
    await blocked.filter({ hasText: "To publish, choose a file, and fix the fields marked." }).waitFor();
    await page.getByText("A title is needed.").waitFor();
    await page.getByLabel("Title").fill("Field notes");
    await blocked.filter({ hasText: /^To publish, choose a file\.$/ }).waitFor();
    await page.getByLabel("Price").fill("-1");
    await page.getByText("The price cannot be negative.").waitFor();
    await page.getByLabel("Price").fill("ten");
    await page.getByText("Enter a price of 0 or more in ETH, like 0.01.").waitFor();
    await page.getByLabel("Price").fill("0.01");
    await page.getByLabel(/^Level 1/).fill("60");
    await page.getByLabel(/^Level 2/).fill("50");
    await page.getByText(/Rewards add up to 110%; the market allows at most 95%/).waitFor();
    await page.getByLabel("Resale royalty").fill("30");
    await page.getByText(/The royalty is a percentage between 0 and 25%/).waitFor();
    await blocked.filter({ hasText: "To publish, choose a file, and fix the fields marked." }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Encrypt and publish" }).isDisabled(), true);
    await done(publisher);
  });

  test("a license is transferred from the Library, after its owner is told its future rewards move with it", async () => {
    const a = await user(2);
    const { page } = a;
    await page.goto(`${web.url}/library`);
    await connect(page);
    const item = page.getByTestId("license").filter({ hasText: `License #${tokens[0]}` });
    await item.getByText("Transfer this license").click();
    await item.getByText(/sales through copies of license #\d+ pay its new owner, not you/).waitFor();
    await item.getByRole("textbox", { name: "New owner" }).fill(addressOf(2));
    await item.getByText("That is your own address.").waitFor();
    await item.getByRole("textbox", { name: "New owner" }).fill(addressOf(8));
    const button = item.getByRole("button", { name: `Transfer license #${tokens[0]}` });
    assert.equal(await button.isDisabled(), true);
    await item.getByLabel("I understand that its future rewards go to the new owner").check();
    await button.click();
    // The index follows the transfer, and the Library with it.
    await page.getByRole("heading", { name: "No licenses yet" }).waitFor({ timeout: 60_000 });
    const owner = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "ownerOf",
      args: [tokens[0]],
    });
    assert.equal(owner, addressOf(8));
    await done(a);
  });

  test("with the indexer stopped, the page says so and lists nothing stale; buying and claiming still work", async () => {
    await indexer.stop();
    const d = await user(6);
    const { page } = d;
    await page.goto(`${web.url}/`);
    const banner = page.getByTestId("index-status");
    await banner.filter({ hasText: "The index is unavailable" }).waitFor();
    assert.match((await banner.textContent()) ?? "", /Buying, opening a copy and claiming still work/);
    assert.equal(await page.getByTestId("content-card").count(), 0);

    // D opens the publisher's copy, which is not theirs, and buys through it.
    await page.goto(`${web.url}/open`);
    await connect(page);
    await page.getByTestId("package-input").setInputFiles(publisherCopy);
    await page.getByTestId("check-failed").waitFor();
    await page.getByRole("button", { name: /^Buy for / }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    await page.getByTestId("preview").filter({ hasText: "Indexed atlas" }).waitFor();
    const balance = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "balanceOf",
      args: [addressOf(6)],
    });
    assert.equal(balance, 1n);
    await done(d);

    // A claims what the chain says A is owed, while the tree and history say they can't be shown.
    const owed = await claimable(2);
    assert.ok(owed > 0n);
    const a = await user(2);
    await a.page.goto(`${web.url}/rewards`);
    await connect(a.page);
    await a.page.getByText("Your referral tree and history could not be read").waitFor();
    await a.page.getByRole("button", { name: "Claim", exact: true }).click();
    await a.page.getByTestId("nothing-to-claim").waitFor({ timeout: 60_000 });
    assert.equal(await claimable(2), 0n);
    await done(a);
  });
});
