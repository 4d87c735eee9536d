/**
 * The CLI against a real Hardhat node and a real verifier: publish, buy as B through A's copy, open as B, and the
 * rewards A earned; the Debian `age` tool decrypts every re-keyed copy with the same identity file.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity } from "@superdist/package";
import { readHeaderFromFile } from "@superdist/package/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import pino from "pino";
import { createPublicClient, http, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type LocalChain, ROOT, startLocalChain } from "../helpers/localChain.ts";

const CLI = join(ROOT, "packages/cli/bin/superdist.ts");
const exec = promisify(execFile);

type Result = { code: number; stdout: string; stderr: string };

describe("superdist CLI on a local chain", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let dir: string;
  const roles = ["publisher", "A", "B"] as const;
  type Role = (typeof roles)[number];
  const keyIndex: Record<Role, number> = { publisher: 1, A: 2, B: 3 };

  const cli = (role: Role, args: string[], input?: string): Promise<Result> =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          CLI,
          ...args,
          "--rpc",
          chain.rpcUrl,
          "--market",
          chain.market,
          "--verifier",
          verifier.url,
          "--dapp",
          "http://127.0.0.1:3000",
          "--identity",
          join(dir, role, "identity.txt"),
        ],
        {
          cwd: join(dir, role),
          env: { ...process.env, SUPERDIST_PRIVATE_KEY: chain.privateKeys[keyIndex[role]] },
          stdio: ["pipe", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.stdin.end(input ?? "");
      child.on("error", reject);
      child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  const json = async (role: Role, args: string[]) => {
    const result = await cli(role, [...args, "--json", "--yes"]);
    assert.equal(result.code, 0, `superdist ${args.join(" ")} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const sha256 = async (path: string) =>
    createHash("sha256")
      .update(await readFile(path))
      .digest("hex");

  let plaintext: string;
  let publisherCopy: string;
  let aCopy: string;
  let bCopy: string;
  let contentId: bigint;
  const PRICE = parseEther("0.05");

  beforeAll(async () => {
    chain = await startLocalChain();
    verifier = await startVerifier({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      identities: [await generateX25519Identity()],
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    dir = await mkdtemp(join(tmpdir(), "superdist-cli-"));
    for (const role of roles) {
      await exec("mkdir", ["-p", join(dir, role)]);
    }
    plaintext = join(dir, "publisher", "album.bin");
    // Three and a half STREAM chunks, so the payload has full chunks and a short final one.
    await writeFile(plaintext, randomBytes(64 * 1024 * 3 + 12_345));
  });

  afterAll(async () => {
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keygen writes an age identity file with mode 0600 and refuses to overwrite it", async () => {
    for (const role of roles) {
      const out = await json(role, ["keygen"]);
      assert.match(out.recipient, /^age1[0-9a-z]{58}$/);
      const mode = (await stat(join(dir, role, "identity.txt"))).mode & 0o777;
      assert.equal(mode, 0o600);
    }
    const again = await cli("A", ["keygen"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  it("publish encrypts the file, registers the content with its key commitment and writes the publisher's copy", async () => {
    const out = await json("publisher", [
      "publish",
      plaintext,
      "--price",
      "0.05",
      "--currency",
      "ETH",
      "--rewards",
      "10,5",
      "--title",
      'The "Album"',
    ]);
    contentId = BigInt(out.contentId);
    publisherCopy = out.output;
    const header = await readHeaderFromFile(publisherCopy);
    assert.equal(header.lineage.contentId, contentId);
    assert.equal(header.lineage.holderTokenId, 0n);
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const content = await client.readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "content",
      args: [contentId],
    });
    assert.equal(content.price, PRICE);
    assert.deepEqual(content.rewardBps, [1000, 500]);
    assert.equal(content.title, 'The "Album"');
    assert.equal(content.verifierRecipient, verifier.recipient);
  });

  it("open decrypts the publisher's own copy", async () => {
    const out = await json("publisher", ["open", publisherCopy, "-o", join(dir, "publisher", "opened.bin")]);
    assert.equal(out.licensed, true);
    assert.equal(await sha256(join(dir, "publisher", "opened.bin")), await sha256(plaintext));
  });

  it("open fails the security check on a copy keyed to someone else, with the purchase link and exit code 3", async () => {
    const received = join(dir, "A", "album.bin.superdist");
    await copyFile(publisherCopy, received);
    const result = await cli("A", ["open", received]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /publisher's copy/);
    assert.match(result.stderr, new RegExp(`/content/${contentId}\\?ref=0`));
    assert.match(result.stderr, /superdist buy/);
    assert.deepEqual(await readdir(join(dir, "A")), ["album.bin.superdist", "identity.txt"]);
  });

  it("buy without --yes and without a terminal refuses to spend", async () => {
    const result = await cli("A", ["buy", join(dir, "A", "album.bin.superdist")]);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /--yes/);
  });

  it("A buys through the publisher's copy and gets a copy keyed to license #1", async () => {
    const out = await json("A", ["buy", join(dir, "A", "album.bin.superdist")]);
    assert.equal(BigInt(out.tokenId), 1n);
    aCopy = out.output;
    assert.equal(aCopy, join(dir, "A", "album.bin.license-1.superdist"));
    const header = await readHeaderFromFile(aCopy);
    assert.equal(header.lineage.holderTokenId, 1n);
    const opened = await json("A", ["open", aCopy]);
    assert.equal(opened.licensed, true);
    assert.equal(await sha256(join(dir, "A", "album.bin")), await sha256(plaintext));
  });

  it("re-keying leaves the payload bytes untouched", async () => {
    const payload = async (path: string) => {
      const header = await readHeaderFromFile(path);
      return createHash("sha256")
        .update((await readFile(path)).subarray(header.bytes.length))
        .digest("hex");
    };
    assert.equal(await payload(aCopy), await payload(publisherCopy));
  });

  it("B opens A's copy: the check names license #1; B buys through it and A's lineage is rewarded", async () => {
    const received = join(dir, "B", "album.bin.license-1.superdist");
    await copyFile(aCopy, received);
    const refused = await cli("B", ["open", received, "--json"]);
    assert.equal(refused.code, 3);
    const info = JSON.parse(refused.stdout);
    assert.equal(info.licensed, false);
    assert.equal(info.holderTokenId, "1");
    assert.equal(info.purchaseUrl, `http://127.0.0.1:3000/content/${contentId}?ref=1`);

    const inspected = await json("B", ["inspect", received]);
    assert.equal(inspected.split.levels.length, 1);
    assert.equal(BigInt(inspected.split.levels[0].amount), PRICE / 10n);

    const bought = await json("B", ["buy", received]);
    assert.equal(BigInt(bought.tokenId), 2n);
    bCopy = bought.output;
    const opened = await json("B", ["open", bCopy]);
    assert.equal(opened.licensed, true);
    assert.equal(await sha256(join(dir, "B", "album.bin")), await sha256(plaintext));

    const rewards = await json("A", ["rewards"]);
    const eth = rewards.claimable.find((c: { currency: string }) => /^0x0{40}$/.test(c.currency));
    assert.equal(BigInt(eth.amount), PRICE / 10n);
    const [license] = rewards.licenses;
    assert.equal(license.tokenId, "1");
    assert.equal(license.children[0].tokenId, "2");
  });

  it("the age tool decrypts the re-keyed copies with the same identity files", async () => {
    for (const [role, copy] of [
      ["A", aCopy],
      ["B", bCopy],
    ] as const) {
      const { stdout } = await exec("age", ["-d", "-i", join(dir, role, "identity.txt"), copy], {
        encoding: "buffer",
        maxBuffer: 1 << 24,
      });
      assert.equal(createHash("sha256").update(stdout).digest("hex"), await sha256(plaintext));
    }
  });

  it("rekey writes a fresh copy for a new device identity, and the old identity no longer opens it", async () => {
    await rm(join(dir, "B", "identity.txt"));
    await json("B", ["keygen"]);
    const lost = await cli("B", ["open", bCopy]);
    assert.equal(lost.code, 3);
    const out = await json("B", ["rekey", bCopy, "-o", join(dir, "B", "restored.superdist")]);
    assert.equal(BigInt(out.tokenId), 2n);
    const opened = await json("B", ["open", out.output, "-o", join(dir, "B", "restored.bin")]);
    assert.equal(opened.licensed, true);
  });

  it("A claims the reward; the balance moves by exactly the credited amount minus gas", async () => {
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    const a = privateKeyToAccount(chain.privateKeys[keyIndex.A]).address;
    const before = await client.getBalance({ address: a });
    const out = await json("A", ["claim"]);
    const receipt = await client.getTransactionReceipt({ hash: out.transactionHash });
    const after = await client.getBalance({ address: a });
    assert.equal(after - before, PRICE / 10n - receipt.gasUsed * receipt.effectiveGasPrice);
    const nothing = await cli("A", ["claim"]);
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /nothing to claim/);
  });

  it("errors are one clear line with a stable code", async () => {
    const missing = await cli("A", ["open", join(dir, "nope.superdist"), "--json"]);
    assert.equal(missing.code, 1);
    assert.equal(JSON.parse(missing.stdout).error.code, "FILE_NOT_FOUND");
    const garbage = join(dir, "A", "garbage.superdist");
    await writeFile(garbage, "not an age file\n");
    const bad = await cli("A", ["inspect", garbage, "--json"]);
    assert.equal(JSON.parse(bad.stdout).error.code, "NOT_AGE");
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    const usage = await cli("A", ["frobnicate"]);
    assert.equal(usage.code, 2);
  });
});
