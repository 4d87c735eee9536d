import assert from "node:assert/strict";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { formatAmount, shortAddress } from "../../web/src/lib/format.ts";
import { serveDapp } from "./fixture.ts";
import { openUser, screenshot, type User, type WebServer } from "./harness.ts";

describe("app shell", () => {
  let chain: LocalChain;
  let web: WebServer;
  const users: User[] = [];

  beforeAll(async () => {
    chain = await startLocalChain();
    web = await serveDapp(chain);
  });

  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await web?.stop();
    await chain?.stop();
  });

  test("the catalog loads read-only in a browser without a wallet", async () => {
    const visitor = await openUser();
    users.push(visitor);
    const { page } = visitor;
    await page.goto(web.url);
    await page.getByRole("heading", { name: "Catalog" }).waitFor();
    for (const name of ["Catalog", "Open a file", "Library", "Rewards", "Publish"]) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name }).waitFor();
    }
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByText("No wallet found in this browser").waitFor();
    await page.getByRole("link", { name: "Library" }).click();
    await page.getByRole("heading", { name: "Connect a wallet" }).waitFor();
    assert.deepEqual(visitor.errors, []);
  });

  test("connect through the injected wallet shows the address and the balance, and survives a reload", async () => {
    const user = await openUser({
      privateKey: chain.privateKeys[7],
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
    });
    users.push(user);
    const { page } = user;
    const wallet = user.wallet;
    assert.ok(wallet);
    await page.goto(web.url);

    wallet.rejectNext();
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Test Wallet" }).click();
    await page.getByRole("alert").filter({ hasText: "You rejected the request in your wallet." }).waitFor();

    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Test Wallet" }).click();
    const address = page.getByTestId("account-address");
    await address.waitFor();
    assert.equal((await address.textContent())?.trim(), shortAddress(wallet.address));
    assert.equal(await address.getAttribute("title"), wallet.address);

    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const expected = formatAmount(await client.getBalance({ address: wallet.address }), 18, "ETH");
    const balance = page.getByTestId("account-balance");
    await page.waitForFunction(
      ([text]) => document.querySelector("[data-testid=account-balance]")?.textContent === text,
      [expected],
    );
    assert.equal(await balance.textContent(), expected);
    await screenshot(page, "catalog");

    await page.reload();
    await page.getByTestId("account-address").waitFor();
    assert.equal(await page.getByRole("button", { name: "Connect wallet" }).count(), 0);
    assert.deepEqual(user.errors, []);
  });

  test("a wallet on another network sees the switch banner, and switching works", async () => {
    const user = await openUser({
      privateKey: chain.privateKeys[8],
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      walletChainId: 1,
    });
    users.push(user);
    const { page } = user;
    const wallet = user.wallet;
    assert.ok(wallet);
    await page.goto(web.url);
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Test Wallet" }).click();
    const banner = page.getByTestId("network-banner");
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? "", /chain 1\b/);
    // The balance that pays here stays visible while the wallet is elsewhere.
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const expected = formatAmount(await client.getBalance({ address: wallet.address }), 18, "ETH");
    await page.waitForFunction(
      ([text]) => document.querySelector("[data-testid=account-balance]")?.textContent === text,
      [expected],
    );
    await screenshot(page, "wrong-network");

    wallet.rejectNext();
    await banner.getByRole("button", { name: "Switch to Hardhat" }).click();
    await banner.getByText("You rejected the request in your wallet.").waitFor();
    assert.equal(wallet.chainId, 1);

    await banner.getByRole("button", { name: "Switch to Hardhat" }).click();
    await banner.waitFor({ state: "detached" });
    assert.equal(wallet.chainId, chain.chainId);
    assert.ok(wallet.requests.includes("wallet_switchEthereumChain"));

    // A user switching away in the wallet itself brings the banner back.
    await wallet.setChain(10);
    await banner.waitFor();
    assert.deepEqual(user.errors, []);
  });
});
