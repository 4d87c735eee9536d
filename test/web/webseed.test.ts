/**
 * A buyer in a browser with nothing but the share link `superdist share` printed: the dApp (`next start`, on a real
 * Hardhat node with a real verifier, and no tracker at all) fetches the publisher's copy from the CLI's web seed, the
 * security check fails, the buyer buys through it and is re-keyed, and the file opens byte for byte. `share` runs as
 * a process of its own, stopped by its PID.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ETH, encodeMetadata } from "@superdist/contracts";
import { generateX25519Identity, identityToRecipient, parseHeader } from "@superdist/package";
import { publishFile } from "@superdist/sdk/node";
import type { StartedVerifier } from "@superdist/verifier";
import { createWalletClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import { type LocalChain, ROOT, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { serveDapp, startTestVerifier } from "./fixture.ts";
import { connect, download, openUser, type User, type WebServer } from "./harness.ts";

describe("a share link from `superdist share`, opened in the dApp", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let web: WebServer;
  let share: ChildProcess | undefined;
  let buyer: User | undefined;
  let dir: string;
  const plaintext = randomBytes(3 * 1024 * 1024 + 777);
  let shareLink: string;
  const requests: { name: string; status: number }[] = [];

  beforeAll(async () => {
    chain = await startLocalChain();
    verifier = await startTestVerifier(chain);
    // No SUPERDIST_TRACKER_URL: a link with a web seed needs none.
    web = await serveDapp(chain, {
      SUPERDIST_DEMO_TOKEN: chain.demoToken,
      SUPERDIST_VERIFIER_URL: verifier.url,
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-webseed-"));
    await writeFile(join(dir, "recording.bin"), plaintext);
    const port = await freePort();
    const publisher = createWalletClient({
      account: privateKeyToAccount(chain.privateKeys[1] as `0x${string}`),
      chain: hardhat,
      transport: http(chain.rpcUrl),
    });
    const published = await publishFile(publisher, {
      market: chain.market,
      terms: {
        price: parseEther("0.01"),
        currency: ETH,
        rewardBps: [1000],
        title: "Recording",
        metadataURI: encodeMetadata({ name: "Recording", fileName: "recording.bin", size: plaintext.length }),
      },
      holderRecipients: [await identityToRecipient(await generateX25519Identity())],
      verifierUrls: [verifier.url],
      input: join(dir, "recording.bin"),
      output: join(dir, "recording.bin.superdist"),
      sources: { webSeeds: [`http://127.0.0.1:${port}/`] },
    });
    share = spawn(
      process.execPath,
      [
        join(ROOT, "packages/cli/bin/superdist.ts"),
        "share",
        published.output,
        "--port",
        String(port),
        "--dapp",
        web.url,
        "--json",
      ],
      // An empty tracker list: this test runs no tracker.
      { env: { ...process.env, SUPERDIST_TRACKER_URL: "" }, stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: share.stdout as NodeJS.ReadableStream });
    const [ready] = (await once(lines, "line")) as [string];
    shareLink = JSON.parse(ready).copies[0].shareLink;
    lines.on("line", (line) => requests.push(JSON.parse(line).request));
  });

  afterAll(async () => {
    await buyer?.close();
    if (share?.pid && share.exitCode === null) {
      const exited = once(share, "exit");
      process.kill(share.pid, "SIGINT");
      await exited;
    }
    await web?.stop();
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the copy arrives from the web seed, the check fails, the buyer buys through it, and it opens", async () => {
    assert.match(
      shareLink,
      new RegExp(`^${web.url}/open#magnet:\\?xt=urn:btih:[0-9a-f]{40}&dn=recording\\.bin\\.superdist`),
    );
    buyer = await openUser({
      privateKey: chain.privateKeys[3] as `0x${string}`,
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
    });
    const { page } = buyer;
    await page.goto(shareLink);
    await connect(page);
    await page.getByTestId("check-failed").waitFor({ timeout: 60_000 });
    assert.ok(
      requests.some((r) => r.name === "recording.bin.superdist" && [200, 206].includes(r.status)),
      JSON.stringify(requests),
    );
    await page.getByRole("button", { name: /^Buy for / }).click();
    await page.getByTestId("opened").waitFor({ timeout: 60_000 });
    const saved = await download(page, page.getByRole("button", { name: /^Save the file/ }), dir);
    assert.deepEqual(await readFile(saved), plaintext);
    const copy = await download(page, page.getByRole("button", { name: /^Save your copy/ }), dir);
    assert.equal(parseHeader(new Uint8Array(await readFile(copy))).lineage.holderTokenId, 1n);
    assert.deepEqual(buyer.errors, []);
  });
});
