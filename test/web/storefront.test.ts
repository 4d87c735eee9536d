/**
 * The storefront a buyer meets first: every page fits a phone, a pasted content link previews with its title,
 * price and cover, a missing content is a 404, and a holder's Share link (copied, sent or scanned) brings a
 * friend to the content page with the holder as referrer, where buying fetches the holder's copy from their browser.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ETH, superdistMarketAbi } from "@superdist/contracts";
import type { StartedVerifier } from "@superdist/verifier";
import jsQR from "jsqr";
import type { Page } from "playwright-core";
import { createPublicClient, createWalletClient, http, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { startTracker, type Tracker } from "../../scripts/stack/trackerServer.ts";
import { shortAddress } from "../../web/src/lib/format.ts";
import { publishText, serveDapp, startTestVerifier, userPool } from "./fixture.ts";
import { connect, screenshot, startWeb, type User, type WebServer } from "./harness.ts";

const PAGES = ["/", "/content/1", "/open", "/library", "/rewards", "/publish"] as const;
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const PRICE = parseEther("0.0125");
// A 2×2 PNG: what the publisher's cover is to a link preview does not depend on its looks.
const COVER_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNkYPjPwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==";

/** Every `<meta>` of a page's HTML, by its `property` or `name`. */
function metaTags(html: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const [tag] of html.matchAll(/<meta\b[^>]*>/g)) {
    const key = /(?:property|name)="([^"]+)"/.exec(tag)?.[1];
    const content = /content="([^"]*)"/.exec(tag)?.[1];
    if (key && content !== undefined) tags.set(key, content.replaceAll("&amp;", "&"));
  }
  return tags;
}

async function pageFits(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

/** The QR code's canvas, read pixel by pixel and decoded as a phone's camera would. */
async function scanQr(page: Page): Promise<string | undefined> {
  const image = await page.getByTestId("share-qr").evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext("2d") as CanvasRenderingContext2D;
    const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
    return { data: Array.from(data), width, height };
  });
  // jsqr is CommonJS whose exports carry the function as `default` too: the one name both TypeScript and Node agree on.
  return jsQR.default(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
}

describe("storefront", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let tracker: Tracker | undefined;
  let web: WebServer;
  let dir: string;
  let publisherCopy: string;
  let pool: ReturnType<typeof userPool>;
  const keys = () => ({
    publisher: chain.privateKeys[1],
    sharer: chain.privateKeys[2],
    friend: chain.privateKeys[3],
  });

  const user = (privateKey: `0x${string}`): Promise<User> => pool.user(privateKey);

  beforeAll(async () => {
    chain = await startLocalChain();
    const transport = http(chain.rpcUrl);
    const client = createPublicClient({ chain: hardhat, transport });
    pool = userPool(chain);
    verifier = await startTestVerifier(chain);
    tracker = await startTracker();

    dir = await mkdtemp(join(tmpdir(), "superdist-storefront-"));
    // No web seed and no magnet in the metadata: a friend's copy can only come from the sharer's browser.
    const published = await publishText(chain, {
      publisherKey: keys().publisher,
      dir,
      fileName: "field-notes.txt",
      text: `Field notes\n${randomBytes(30_000).toString("hex")}\n`,
      title: "Field notes",
      price: PRICE,
      currency: ETH,
      rewardBps: [1000, 500],
      verifierUrl: verifier.url,
      metadata: {
        name: "Field notes",
        description: "Notes from a week of walking the coast.",
        image: `data:image/png;base64,${COVER_PNG}`,
        fileName: "field-notes.txt",
        mediaType: "text/plain",
      },
    });
    publisherCopy = published.output;
    const sharer = privateKeyToAccount(keys().sharer);
    const hash = await createWalletClient({ account: sharer, chain: hardhat, transport }).writeContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "purchase",
      args: [published.contentId, 0n, sharer.address, zeroAddress, PRICE],
      value: PRICE,
    });
    await client.waitForTransactionReceipt({ hash });
    web = await serveDapp(chain, {
      SUPERDIST_VERIFIER_URL: verifier.url,
      SUPERDIST_TRACKER_URL: tracker.url,
    });
  });

  afterAll(async () => {
    await pool?.closeAll();
    await web?.stop();
    await verifier?.close();
    await tracker?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a pasted content link previews with its title, price and cover, rendered by the server", async () => {
    const response = await fetch(`${web.url}/content/1?ref=1`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<title>Field notes · Superdist<\/title>/);
    const meta = metaTags(html);
    assert.equal(meta.get("og:title"), "Field notes");
    assert.equal(meta.get("og:url"), `${web.url}/content/1`);
    assert.equal(meta.get("twitter:title"), "Field notes");
    assert.equal(meta.get("og:description"), "0.0125 ETH · Notes from a week of walking the coast.");
    assert.equal(meta.get("twitter:data1"), "0.0125 ETH");
    assert.equal(meta.get("product:price:amount"), "0.0125");
    assert.equal(meta.get("product:price:currency"), "ETH");
    assert.equal(meta.get("twitter:card"), "summary_large_image");
    const image = meta.get("og:image");
    assert.equal(image, `${web.url}/content/1/cover`);
    const cover = await fetch(image);
    assert.equal(cover.status, 200);
    assert.equal(cover.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await cover.arrayBuffer()), Buffer.from(COVER_PNG, "base64"));
  });

  test("a content that does not exist answers 404 at once; a chain that does not answer is no 404", async () => {
    for (const path of ["/content/9999", "/content/abc", "/content/0"]) {
      const response = await fetch(`${web.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(await response.text(), /This page does not exist/);
    }
    const silent = await startWeb({
      SUPERDIST_RPC_URL: `http://127.0.0.1:${await freePort()}`,
      SUPERDIST_CHAIN_ID: String(chain.chainId),
      SUPERDIST_MARKET: chain.market,
    });
    try {
      const response = await fetch(`${silent.url}/content/1`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<title>Content #1 · Superdist<\/title>/);
    } finally {
      await silent.stop();
    }
  });

  test("every page fits a phone without scrolling sideways, with a menu and Buy above the fold", async () => {
    const friend = await user(keys().friend);
    const { page } = friend;
    await page.goto(web.url);
    await connect(page);
    for (const [label, viewport] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      await page.setViewportSize(viewport);
      // A wide screen lists the links; a phone folds them into a menu.
      await page.goto(web.url);
      const nav = page.getByRole("navigation", { name: "Main" });
      await nav
        .getByRole("button", { name: "Menu" })
        .waitFor({ state: viewport === PHONE ? "visible" : "hidden" });
      assert.equal(await nav.getByRole("link", { name: "Library" }).isVisible(), viewport === DESKTOP);
      for (const path of PAGES) {
        await page.goto(`${web.url}${path}`);
        await page.getByRole("heading", { level: 1 }).first().waitFor();
        await page.getByTestId("account-address").waitFor();
        const { scrollWidth, innerWidth } = await pageFits(page);
        assert.ok(scrollWidth <= innerWidth, `${path} at ${label}: ${scrollWidth} px wide in ${innerWidth}`);
        const name = path === "/" ? "catalog" : path.slice(1).replaceAll("/", "-");
        await screenshot(page, `${label}-${name}`);
      }
    }

    // The phone's menu opens, leads where it says, and closes.
    await page.goto(`${web.url}/`);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("button", { name: "Menu" }).click();
    await nav.getByRole("link", { name: "Library" }).click();
    await page.getByRole("heading", { name: "Library", level: 1 }).waitFor();
    assert.equal(await nav.getByRole("link", { name: "Library" }).isVisible(), false);

    // The phone's account badge is the address alone, which opens the balance and Disconnect.
    assert.equal(await page.getByTestId("account-balance").isVisible(), false);
    await page.getByTestId("account-address").click();
    await page.getByTestId("account-balance").waitFor();
    await page.getByRole("button", { name: "Disconnect" }).waitFor();

    await page.goto(`${web.url}/content/1`);
    const buy = page.getByRole("button", { name: "Buy for 0.0125 ETH" });
    await buy.waitFor();
    const box = await buy.boundingBox();
    assert.ok(box && box.y + box.height <= PHONE.height, `Buy ends at ${box && box.y + box.height} px`);

    await page.goto(`${web.url}/open`);
    const zone = await page.getByRole("region", { name: "Drop a package here" }).boundingBox();
    const input = await page.getByTestId("package-input").boundingBox();
    assert.ok(zone && input);
    assert.ok(
      input.x >= zone.x && input.x + input.width <= zone.x + zone.width,
      "the file input leaves its zone",
    );
    assert.deepEqual(friend.errors, []);
  });

  test("a holder shares their copy: the link, its QR code and the system share bring a friend, who buys through it and gets the copy from the holder's browser", async () => {
    const sharer = await user(keys().sharer);
    const { page, context } = sharer;
    await context.addInitScript(() => {
      // Linux Chromium has no system share sheet; this one keeps what the page hands it.
      Object.defineProperty(navigator, "share", {
        value: async (data: ShareData) => {
          (window as unknown as { shared: ShareData }).shared = data;
        },
      });
    });
    // The holder makes the publisher's copy theirs; the opened copy offers Share at once.
    await page.goto(`${web.url}/open`);
    await connect(page);
    await page.getByTestId("package-input").setInputFiles(publisherCopy);
    await page.getByRole("button", { name: "Make this copy mine and open it" }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Share" }).click();
    const linkPattern = new RegExp(`^${web.url}/content/1\\?ref=1#magnet:\\?xt=urn:btih:[0-9a-f]{40}`);
    assert.match(await page.getByTestId("share-link").inputValue(), linkPattern);

    await page.goto(`${web.url}/library`);
    const item = page.getByTestId("license").filter({ hasText: "License #1" });
    await item.getByTestId("copy-status").filter({ hasText: "Your copy is in this browser." }).waitFor();
    await item.getByRole("button", { name: "Share" }).click();
    const field = item.getByTestId("share-link");
    const link = await field.inputValue();
    assert.match(link, linkPattern);
    // The whole link is on screen, not cut off inside its field.
    assert.ok(await field.evaluate((element) => element.scrollWidth <= element.clientWidth));
    assert.ok(await field.evaluate((element) => element.scrollHeight <= element.clientHeight));
    assert.equal(await scanQr(page), link);
    await item.getByRole("button", { name: "Send with…" }).click();
    const shared = await page.evaluate(() => (window as unknown as { shared?: ShareData }).shared);
    assert.equal(shared?.url, link);
    assert.equal(shared?.title, "Field notes");
    await page.setViewportSize(PHONE);
    await screenshot(page, "phone-library-share");

    // The friend follows the link (the sharer's page stays open, offering the copy), buys, and opens their copy.
    const friend = await user(keys().friend);
    await friend.page.goto(link);
    await connect(friend.page);
    const sharerAddress = shortAddress(privateKeyToAccount(keys().sharer).address);
    await friend.page
      .getByTestId("referrer")
      .filter({ hasText: `Referred by license #1, held by ${sharerAddress}` })
      .waitFor();
    await friend.page.getByRole("button", { name: "Buy for 0.0125 ETH" }).click();
    const panel = friend.page.getByTestId("your-copy");
    await panel
      .getByTestId("copy-status")
      .filter({ hasText: "Your copy is in this browser, keyed to you." })
      .waitFor({ timeout: 60_000 });
    await panel.getByRole("button", { name: "Open it" }).click();
    await friend.page.getByTestId("preview").filter({ hasText: "Field notes" }).waitFor();
    // Right after buying, the friend has a link of their own to pass on.
    await panel.getByRole("button", { name: "Share" }).click();
    assert.match(
      await panel.getByTestId("share-link").inputValue(),
      new RegExp(`^${web.url}/content/1\\?ref=2#magnet:`),
    );
    assert.deepEqual(sharer.errors, []);
    assert.deepEqual(friend.errors, []);
  });
});
