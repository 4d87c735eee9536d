/**
 * Whatever a publisher puts on chain is untrusted, and the dApp renders it as text: a title, description, file
 * name and media type carrying HTML and script, a `javascript:` URL as cover and as every link of the metadata, a
 * token whose name and symbol are markup, a decrypted file that is HTML with script in it, and a package dropped
 * under a file name that is markup. On the catalog, the content page, the Open page, the library and the rewards
 * page no script of theirs runs, no element of theirs is created, the text appears literally, and no `javascript:`
 * URL ends up in an `src` or `href`.
 */
import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoTokenAbi, ETH, encodeMetadata, superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { publishFile } from "@superdist/sdk/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import type { Page } from "playwright-core";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  parseEventLogs,
  parseUnits,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, ROOT, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { shortAddress } from "../../web/src/lib/format.ts";
import { serveDapp } from "./fixture.ts";
import { connect, openUser, type User, type WebServer } from "./harness.ts";

/** Every hostile string here sets `window.__pwned` if it is ever parsed as HTML, or run as script. */
const PAYLOAD = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
const TITLE = `Title ${PAYLOAD}`;
const DESCRIPTION = `Description <svg onload="window.__pwned=1"></svg><iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> ${PAYLOAD}`;
const FILE_NAME = `../<img src=x onerror=window.__pwned=1>.html`;
// Textual, so the preview shows it: the hostile part rides in a parameter.
const MEDIA_TYPE = `text/html; charset="<img src=x onerror=window.__pwned=1>"`;
const JS_URL = "javascript:window.__pwned=1";
// The permit domain keeps a name of at most 31 bytes; an undeclared assignment in a handler sets a global.
const TOKEN_NAME = `<img src=x onerror=__pwned=1>`;
const TOKEN_SYMBOL = `<script>window.__pwned=1</script>`;
const PLAINTEXT = `<!doctype html><script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">\n`;
const PRICE = parseEther("0.01");

type Findings = {
  pwned: unknown;
  /** Elements the payloads would create, were they parsed as HTML. */
  injected: string[];
  /** Attribute values of URL attributes that use the `javascript:` scheme. */
  scriptUrls: string[];
};

/** What the page did with the payloads: whether any ran, and what of them reached the DOM as markup. */
function inspect(page: Page): Promise<Findings> {
  return page.evaluate(() => {
    const urlAttributes = ["src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href"];
    const scriptUrls = Array.from(document.querySelectorAll("*")).flatMap((element) =>
      urlAttributes
        .map((name) => element.getAttribute(name) ?? "")
        .filter((value) => /^\s*javascript:/i.test(value)),
    );
    const injected = [
      ...Array.from(document.querySelectorAll('img[src="x"], [onerror], [onload], iframe[srcdoc]')),
      // React's flight data carries the page's metadata (the title, the Open Graph tags) as escaped JSON strings
      // inside its own inline scripts; a payload parsed as markup would make a script of its own.
      ...Array.from(document.scripts).filter(
        (script) =>
          script.textContent?.includes("__pwned") && !script.textContent.startsWith("self.__next_f.push("),
      ),
    ].map((element) => element.outerHTML);
    return { pwned: (window as unknown as { __pwned?: unknown }).__pwned, injected, scriptUrls };
  });
}

async function assertInert(page: Page): Promise<void> {
  const findings = await inspect(page);
  assert.deepEqual(findings, { pwned: undefined, injected: [], scriptUrls: [] });
}

describe("hostile contents in the browser", () => {
  let chain: LocalChain;
  let client: PublicClient;
  let verifier: StartedVerifier;
  let web: WebServer;
  let dir: string;
  let publisherCopy: string;
  let hostileId: bigint;
  let tokenContentId: bigint;
  let token: Address;
  let a: User;
  const keys = () => ({ publisher: chain.privateKeys[1], a: chain.privateKeys[2], b: chain.privateKeys[3] });
  const walletOf = (key: Hex): WalletClient<Transport, Chain, Account> =>
    createWalletClient({ account: privateKeyToAccount(key), chain: hardhat, transport: http(chain.rpcUrl) });
  const mined = async (hash: Promise<Hex>) => client.waitForTransactionReceipt({ hash: await hash });

  beforeAll(async () => {
    chain = await startLocalChain();
    client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
    const verifierIdentity = await generateX25519Identity();
    const verifierPort = await freePort();
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [verifierIdentity],
      host: "127.0.0.1",
      port: verifierPort,
      logger: pino({ level: "silent" }),
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-hostile-"));
    await writeFile(join(dir, "page.html"), PLAINTEXT);
    const publisher = walletOf(keys().publisher);
    const published = await publishFile(publisher, {
      market: chain.market,
      terms: {
        price: PRICE,
        currency: ETH,
        rewardBps: [1000],
        title: TITLE,
        metadataURI: encodeMetadata({
          name: TITLE,
          description: DESCRIPTION,
          image: JS_URL,
          mediaType: MEDIA_TYPE,
          fileName: FILE_NAME,
          magnet: JS_URL,
          url: JS_URL,
        }),
      },
      holderRecipients: [await identityToRecipient(await generateX25519Identity())],
      verifierUrls: [`http://127.0.0.1:${verifierPort}`],
      input: join(dir, "page.html"),
      output: join(dir, "page.html.superdist"),
      publicClient: client,
    });
    hostileId = published.contentId;
    publisherCopy = published.output;

    // A second content, in a token whose name and symbol are markup, with hand-written metadata: an SVG cover
    // with an onload handler (a data:image URI, so it is shown, where no script of it runs) and links with the
    // scheme in another case. A buys it and B buys through A's license, so A has rewards in that token.
    const artifact = JSON.parse(
      await readFile(join(ROOT, "artifacts/contracts/demo/DemoToken.sol/DemoToken.json"), "utf8"),
    );
    const deployed = await mined(
      publisher.deployContract({
        abi: artifact.abi,
        bytecode: artifact.bytecode,
        args: [TOKEN_NAME, TOKEN_SYMBOL, publisher.account.address],
      }),
    );
    token = getAddress(deployed.contractAddress as Address);
    const tokenPrice = parseUnits("3", 18);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>`;
    const handWritten = JSON.stringify({
      name: TITLE,
      description: DESCRIPTION,
      image: `data:image/svg+xml,${encodeURIComponent(svg)}`,
      fileName: FILE_NAME,
      mediaType: MEDIA_TYPE,
      url: "JavaScript:window.__pwned=1",
      magnet: " javascript:window.__pwned=1",
    });
    const publishedInToken = await mined(
      publisher.writeContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "publish",
        args: [
          {
            price: tokenPrice,
            currency: token,
            rewardBps: [2000],
            payout: publisher.account.address,
            royaltyBps: 0,
            transferable: true,
            keyCommitment: `0x${"11".repeat(32)}`,
            verifierRecipient: await identityToRecipient(verifierIdentity),
            title: `In tokens ${PAYLOAD}`,
            metadataURI: `data:application/json,${encodeURIComponent(handWritten)}`,
          },
        ],
      }),
    );
    const [event] = parseEventLogs({
      abi: superdistMarketAbi,
      logs: publishedInToken.logs,
      eventName: "ContentPublished",
    });
    tokenContentId = event.args.contentId;
    let referrer = 0n;
    for (const key of [keys().a, keys().b]) {
      const buyer = walletOf(key);
      await mined(
        publisher.writeContract({
          address: token,
          abi: demoTokenAbi,
          functionName: "mint",
          args: [buyer.account.address, tokenPrice],
        }),
      );
      await mined(
        buyer.writeContract({
          address: token,
          abi: demoTokenAbi,
          functionName: "approve",
          args: [chain.market, tokenPrice],
        }),
      );
      const bought = await mined(
        buyer.writeContract({
          address: chain.market,
          abi: superdistMarketAbi,
          functionName: "purchase",
          args: [tokenContentId, referrer, buyer.account.address, token, tokenPrice],
        }),
      );
      const [purchased] = parseEventLogs({
        abi: superdistMarketAbi,
        logs: bought.logs,
        eventName: "LicensePurchased",
      });
      referrer = purchased.args.tokenId;
    }

    web = await serveDapp(chain, {
      SUPERDIST_VERIFIER_URL: `http://127.0.0.1:${verifierPort}`,
    });
    a = await openUser({ privateKey: keys().a, rpcUrl: chain.rpcUrl, chainId: chain.chainId });
  });

  afterAll(async () => {
    await a?.close();
    await web?.stop();
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the catalog shows the titles and the token's symbol as text, and no cover from a javascript: URL", async () => {
    const { page } = a;
    await page.goto(web.url);
    await connect(page);
    const card = page.locator(`[data-testid=content-card][data-content-id="${hostileId}"]`);
    await card.waitFor();
    assert.equal(await card.locator(".card-title").textContent(), TITLE);
    // No image: the placeholder's letter stands in for the cover.
    assert.equal(await card.locator("img").count(), 0);
    const inToken = page.locator(`[data-testid=content-card][data-content-id="${tokenContentId}"]`);
    assert.equal(await inToken.locator(".card-title").textContent(), `In tokens ${PAYLOAD}`);
    assert.equal(await inToken.getByTestId("price").textContent(), `3 ${TOKEN_SYMBOL}`);
    assert.match((await inToken.locator("img").getAttribute("src")) ?? "", /^data:image\/svg\+xml,/);
    await assertInert(page);
    assert.deepEqual(a.errors, []);
  });

  test("the content page shows the title, description, file name and media type as text", async () => {
    const { page } = a;
    await page.goto(`${web.url}/content/${hostileId}`);
    await page.getByRole("button", { name: /^Buy for / }).waitFor();
    assert.equal(await page.getByTestId("content-title").textContent(), TITLE);
    assert.equal(await page.locator(".description").textContent(), DESCRIPTION);
    assert.equal(
      await page.locator("dd", { hasText: ".html" }).textContent(),
      `${FILE_NAME} · ${MEDIA_TYPE}`,
    );
    assert.equal(await page.locator(".cover img, img.cover").count(), 0);
    await assertInert(page);
    // A holds a license of the other one: its page offers their copy, beside the same hostile facts.
    await page.goto(`${web.url}/content/${tokenContentId}`);
    await page.getByTestId("your-copy").waitFor();
    assert.equal(await page.getByTestId("content-title").textContent(), `In tokens ${PAYLOAD}`);
    assert.equal(await page.locator(".description").textContent(), DESCRIPTION);
    assert.equal(
      await page.locator("dd", { hasText: ".html" }).textContent(),
      `${FILE_NAME} · ${MEDIA_TYPE}`,
    );
    assert.equal(
      await page.locator("dd", { hasText: "(0x" }).textContent(),
      `${TOKEN_SYMBOL} (${shortAddress(token)})`,
    );
    await assertInert(page);
    assert.deepEqual(a.errors, []);
  });

  test("a package dropped under a hostile name is bought through and opens: the HTML inside shows as text", async () => {
    const { page } = a;
    const dropped = join(dir, `<img src=x onerror=window.__pwned=1>.superdist`);
    await copyFile(publisherCopy, dropped);
    await page.goto(`${web.url}/open`);
    await page.getByTestId("package-input").setInputFiles(dropped);
    await page.getByTestId("check-failed").waitFor();
    assert.equal(await page.locator(".content-summary h2").textContent(), TITLE);
    await assertInert(page);
    await page.getByRole("button", { name: /^Buy for / }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    assert.equal(await page.locator("#opened-heading").textContent(), TITLE);
    const preview = page.getByTestId("preview");
    assert.equal(await preview.evaluate((element) => element.tagName), "PRE");
    assert.equal(await preview.textContent(), PLAINTEXT);
    const [saved] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /^Save the file/ }).click(),
    ]);
    // The browser keeps the name a file name, whatever it carries: none of it is a path.
    assert.doesNotMatch(saved.suggestedFilename(), /[/\\]/);
    await assertInert(page);
    assert.deepEqual(a.errors, []);
  });

  test("the library lists both licenses under their titles, as text", async () => {
    const { page } = a;
    await page.goto(`${web.url}/library`);
    const hostile = page
      .getByTestId("license")
      .filter({ has: page.locator(`a[href="/content/${hostileId}"]`) });
    await hostile.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser." }).waitFor();
    assert.equal(await hostile.locator(".card-title").textContent(), TITLE);
    const inToken = page
      .getByTestId("license")
      .filter({ has: page.locator(`a[href="/content/${tokenContentId}"]`) });
    assert.equal(await inToken.locator(".card-title").textContent(), `In tokens ${PAYLOAD}`);
    await assertInert(page);
    assert.deepEqual(a.errors, []);
  });

  test("the rewards page shows what is claimable in the hostile token under its symbol, as text", async () => {
    const { page } = a;
    await page.goto(`${web.url}/rewards`);
    const claimable = page.getByTestId("claimable");
    await claimable.waitFor();
    // B paid 3 through A's license, whose level pays 20%.
    assert.equal(await claimable.locator("li").first().textContent(), `0.6 ${TOKEN_SYMBOL}`);
    await page.getByTestId("history").waitFor();
    assert.ok((await page.getByTestId("history").textContent())?.includes(`+0.6 ${TOKEN_SYMBOL}`));
    await page.getByTestId("referral-tree").waitFor();
    await assertInert(page);
    assert.deepEqual(a.errors, []);
  });
});
