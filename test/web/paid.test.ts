/**
 * Money is never taken without the copy it buys, in the browser: on a chain that mines a block every second and
 * a verifier that serves a license two blocks deep, a purchase waits for the verifier, an owner is offered the
 * free re-key (on another device too), a sale is refused while the verifier is down, and a buyer who paid while
 * it went away finds "Paid — unlock" in the library, which one click finishes once it is back.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ETH, encodeMetadata, superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient, parseHeader } from "@superdist/package";
import { publishFile, type ServeCopyReturnType, serveCopy } from "@superdist/sdk/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { serveDapp } from "./fixture.ts";
import { connect, download, openUser, type User, type WebServer } from "./harness.ts";

const PRICE = parseEther("0.01");

describe("paying in the browser", () => {
  let chain: LocalChain;
  let client: PublicClient;
  let verifierIdentity: string;
  let verifierPort: number;
  let verifier: StartedVerifier | undefined;
  let web: WebServer;
  let dir: string;
  let publisherCopy: string;
  let aCopy: string;
  let seeded: ServeCopyReturnType;
  let linkedId: bigint;
  const users: User[] = [];
  const keys = () => ({ publisher: chain.privateKeys[1], a: chain.privateKeys[2], b: chain.privateKeys[3] });
  const addressOf = (key: `0x${string}`): Address => privateKeyToAccount(key).address;

  const startOurVerifier = async () => {
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      confirmations: 2,
      host: "127.0.0.1",
      port: verifierPort,
      logger: pino({ level: "silent" }),
    });
  };
  const stopOurVerifier = async () => {
    await verifier?.close();
    verifier = undefined;
  };
  const user = async (privateKey: `0x${string}`) => {
    const opened = await openUser({ privateKey, rpcUrl: chain.rpcUrl, chainId: chain.chainId });
    users.push(opened);
    return opened;
  };
  const done = async (finished: User) => {
    assert.deepEqual(finished.errors, []);
    users.splice(users.indexOf(finished), 1);
    await finished.close();
  };
  const licenses = (key: `0x${string}`) =>
    client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "balanceOf",
      args: [addressOf(key)],
    });

  beforeAll(async () => {
    chain = await startLocalChain();
    client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    verifierIdentity = await generateX25519Identity();
    verifierPort = await freePort();
    await startOurVerifier();
    dir = await mkdtemp(join(tmpdir(), "superdist-paid-"));
    await writeFile(join(dir, "notes.txt"), `Paid notes\n${randomBytes(20_000).toString("hex")}\n`);
    const publisher: WalletClient<Transport, Chain, Account> = createWalletClient({
      account: privateKeyToAccount(keys().publisher),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const published = await publishFile(publisher, {
      market: chain.market,
      terms: {
        price: PRICE,
        currency: ETH,
        rewardBps: [1000],
        title: "Paid notes",
        metadataURI: encodeMetadata({ name: "Paid notes", fileName: "notes.txt", mediaType: "text/plain" }),
      },
      holderRecipients: [await identityToRecipient(await generateX25519Identity())],
      verifierUrls: [`http://127.0.0.1:${verifierPort}`],
      input: join(dir, "notes.txt"),
      output: join(dir, "notes.txt.superdist"),
      publicClient: client,
    });
    publisherCopy = published.output;
    // A second content whose metadata names a web seed, served as `superdist share` serves it.
    const sharePort = await freePort();
    await writeFile(join(dir, "linked.txt"), `Linked notes\n${randomBytes(300_000).toString("hex")}\n`);
    const linked = await publishFile(publisher, {
      market: chain.market,
      terms: {
        price: PRICE,
        currency: ETH,
        rewardBps: [1000],
        title: "Linked notes",
        metadataURI: encodeMetadata({
          name: "Linked notes",
          fileName: "linked.txt",
          mediaType: "text/plain",
        }),
      },
      holderRecipients: [await identityToRecipient(await generateX25519Identity())],
      verifierUrls: [`http://127.0.0.1:${verifierPort}`],
      input: join(dir, "linked.txt"),
      output: join(dir, "linked.txt.superdist"),
      sources: { name: "linked.txt.superdist", webSeeds: [`http://127.0.0.1:${sharePort}/`] },
      publicClient: client,
    });
    linkedId = linked.contentId;
    seeded = await serveCopy({ packages: [linked.output], port: sharePort });
    // From here on the chain mines a block a second, as a real one does, whether or not anyone sends anything.
    await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
    await client.request({ method: "evm_setIntervalMining" as never, params: [1000] as never });
    web = await serveDapp(chain, {
      SUPERDIST_VERIFIER_URL: `http://127.0.0.1:${verifierPort}`,
    });
  });

  afterAll(async () => {
    await Promise.all(users.map((opened) => opened.close()));
    await web?.stop();
    await seeded?.close();
    await stopOurVerifier();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a purchase waits for the verifier's two confirmations, then the copy opens", async () => {
    const a = await user(keys().a);
    const { page } = a;
    await page.goto(`${web.url}/open`);
    await connect(page);
    await page.getByTestId("package-input").setInputFiles(publisherCopy);
    await page.getByTestId("check-failed").waitFor();
    await page.getByRole("button", { name: /^Buy for / }).click();
    await page
      .getByTestId("confirmations")
      .filter({ hasText: /Waiting for [01] of 2 confirmations/ })
      .waitFor();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    await page.getByTestId("preview").filter({ hasText: "Paid notes" }).waitFor();
    assert.match((await page.getByTestId("preview").textContent()) ?? "", /^Paid notes/);
    aCopy = await download(page, page.getByRole("button", { name: "Save your copy (license #1)" }), dir);
    assert.equal(parseHeader(new Uint8Array(await readFile(aCopy))).lineage.holderTokenId, 1n);
    await done(a);
  });

  test("an owner is offered their copy, never a second sale, on this device and on a new one", async () => {
    const a = await user(keys().a);
    const { page } = a;
    await page.goto(`${web.url}/content/1`);
    await connect(page);
    await page.getByTestId("your-copy").filter({ hasText: "You own license #1" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Buy for / }).count(), 0);
    // This browser is a new device: A's own copy is A's to unlock, not a failed check.
    await page.goto(`${web.url}/open`);
    await page.getByTestId("package-input").setInputFiles(aCopy);
    await page.getByTestId("owned-copy").filter({ hasText: "Your copy from another device" }).waitFor();
    assert.equal(await page.getByTestId("check-failed").count(), 0);
    await page.getByRole("button", { name: "Make this copy mine and open it" }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    assert.equal(await licenses(keys().a), 1n);
    await done(a);
  });

  test("with the verifier down, the sale is refused in words and nothing is paid", async () => {
    await stopOurVerifier();
    try {
      const b = await user(keys().b);
      const { page } = b;
      await page.goto(`${web.url}/content/1`);
      await connect(page);
      const balance = await client.getBalance({ address: addressOf(keys().b) });
      await page.getByRole("button", { name: /^Buy for / }).click();
      await page
        .getByTestId("tx-status")
        .filter({ hasText: "cannot be reached right now, so nothing is sold" })
        .waitFor();
      assert.equal(await client.getBalance({ address: addressOf(keys().b) }), balance);
      assert.equal(await licenses(keys().b), 0n);
      await done(b);
    } finally {
      await startOurVerifier();
    }
  });

  test("the verifier stopped between payment and re-key: the library says 'Paid — unlock', one click finishes", async () => {
    const b = await user(keys().b);
    const { page } = b;
    await page.goto(`${web.url}/open`);
    await connect(page);
    await page.getByTestId("package-input").setInputFiles(publisherCopy);
    await page.getByTestId("check-failed").waitFor();
    const purchased = new Promise<void>((resolve) => {
      const unwatch = client.watchContractEvent({
        address: chain.market,
        abi: superdistMarketAbi,
        eventName: "LicensePurchased",
        pollingInterval: 100,
        onLogs: async () => {
          unwatch();
          await stopOurVerifier();
          resolve();
        },
      });
    });
    await page.getByRole("button", { name: /^Buy for / }).click();
    await purchased;
    await page
      .getByTestId("verifier-status")
      .filter({ hasText: "cannot be reached" })
      .waitFor({ timeout: 60_000 });
    assert.equal(await licenses(keys().b), 1n);

    await page.goto(`${web.url}/library`);
    const item = page.getByTestId("license").filter({ hasText: "License #2" });
    await item.getByTestId("copy-status").filter({ hasText: "Paid — unlock" }).waitFor();
    await startOurVerifier();
    await item.getByRole("button", { name: "Make this copy mine" }).click();
    await item.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser." }).waitFor();
    const mine = await download(page, item.getByRole("button", { name: "Download my copy" }), dir);
    assert.equal(parseHeader(new Uint8Array(await readFile(mine))).lineage.holderTokenId, 2n);
    await done(b);
  });

  test("a buyer with only a ?ref= link buys, ends with a copy that opens, and the referrer is credited exactly", async () => {
    // A bought the publisher's copy of the first content; here A refers B to the second one by link only.
    const referrer = await user(keys().a);
    await referrer.page.goto(`${web.url}/content/${linkedId}`);
    await connect(referrer.page);
    await referrer.page.getByRole("button", { name: /^Buy for / }).click();
    await referrer.page.getByTestId("your-copy").filter({ hasText: "Your copy is in this browser" }).waitFor({
      timeout: 90_000,
    });
    const refToken = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "totalSupply",
    });
    await done(referrer);

    const owed = (account: Address) =>
      client.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "claimable",
        args: [account, ETH],
      });
    const before = await owed(addressOf(keys().a));
    const buyer = await user(chain.privateKeys[4]);
    const { page } = buyer;
    await page.goto(`${web.url}/content/${linkedId}?ref=${refToken}`);
    await connect(page);
    await page
      .getByTestId("referrer")
      .filter({ hasText: `license #${refToken}` })
      .waitFor();
    await page.getByRole("button", { name: /^Buy for / }).click();
    const panel = page.getByTestId("your-copy");
    await panel.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser" }).waitFor({
      timeout: 90_000,
    });
    assert.equal((await owed(addressOf(keys().a))) - before, PRICE / 10n);
    await panel.getByRole("button", { name: "Open it" }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    await page.getByTestId("preview").filter({ hasText: "Linked notes" }).waitFor();
    assert.match((await page.getByTestId("preview").textContent()) ?? "", /^Linked notes/);
    const mine = await download(
      page,
      panel.getByRole("button", { name: "Save your copy", exact: true }),
      dir,
    );
    const lineage = parseHeader(new Uint8Array(await readFile(mine))).lineage;
    assert.equal(lineage.contentId, linkedId);
    assert.equal(lineage.holderTokenId, refToken + 1n);
    await done(buyer);
  });
});
