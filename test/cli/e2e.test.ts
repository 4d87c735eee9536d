/**
 * The CLI against a real Hardhat node and a real verifier: publish, buy as B through A's copy, open as B, and the
 * rewards A earned; the Debian `age` tool decrypts every re-keyed copy with the same identity file. The CLI runs
 * in this process, through `main` with its own streams, working directory and environment per role, so that
 * coverage sees it; the packed bin is run by install.test.ts.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { demoTokenAbi, deployments, superdistMarketAbi } from "@superdist/contracts";
import { generateX25519Identity } from "@superdist/package";
import { readHeaderFromFile } from "@superdist/package/node";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import pino from "pino";
import { createPublicClient, createWalletClient, http, parseEther, parseUnits } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type LocalChain, ROOT, startLocalChain } from "../../scripts/stack/chain.ts";
import { type CliResult, runCli } from "./harness.ts";

const exec = promisify(execFile);
const PACKAGE_VERSION: string = JSON.parse(
  await readFile(join(ROOT, "packages/cli/package.json"), "utf8"),
).version;

type CliOptions = {
  /** What the user types; a terminal only if `tty`. */
  input?: string;
  tty?: boolean;
  /** Replaces the role's environment (by default only its wallet key). */
  env?: Record<string, string>;
  /** Another RPC URL than the test chain's. */
  rpc?: string;
};

describe("superdist CLI on a local chain", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let dir: string;
  const roles = ["publisher", "A", "B"] as const;
  type Role = (typeof roles)[number];
  const keyIndex: Record<Role, number> = { publisher: 1, A: 2, B: 3 };

  // The identity file is relative: each role's working directory decides where it is.
  const cli = (role: Role, args: string[], options: CliOptions = {}): Promise<CliResult> =>
    runCli(
      [
        ...args,
        "--rpc",
        options.rpc ?? chain.rpcUrl,
        "--market",
        chain.market,
        "--verifier",
        verifier.url,
        "--dapp",
        "http://127.0.0.1:3000",
        "--identity",
        "identity.txt",
      ],
      {
        input: options.input,
        tty: options.tty,
        cwd: join(dir, role),
        env: options.env ?? { SUPERDIST_PRIVATE_KEY: chain.privateKeys[keyIndex[role]] },
      },
    );
  const json = async (role: Role, args: string[], options: CliOptions = {}) => {
    const result = await cli(role, [...args, "--json", "--yes"], options);
    assert.equal(result.code, 0, `superdist ${args.join(" ")} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const sha256 = async (path: string) =>
    createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
  const contentCount = () =>
    createPublicClient({ transport: http(chain.rpcUrl) }).readContract({
      address: chain.market,
      abi: superdistMarketAbi,
      functionName: "contentCount",
    });

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
    for (const role of roles) await mkdir(join(dir, role));
    plaintext = join(dir, "publisher", "album.bin");
    // Three and a half STREAM chunks, so the payload has full chunks and a short final one.
    await writeFile(plaintext, randomBytes(64 * 1024 * 3 + 12_345));
  });

  afterAll(async () => {
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("--version prints the package's version; --help documents --force, -o - and token symbols", async () => {
    const version = await cli("A", ["--version"]);
    assert.equal(version.code, 0);
    assert.equal(version.stdout, `${PACKAGE_VERSION}\n`);
    const help = await cli("A", ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--force\s+keygen: replace an existing identity/);
    assert.match(help.stdout, /-o - writes to stdout/);
    assert.match(help.stdout, /--currency <ETH\|symbol\|token address>/);
    assert.match(help.stdout, /--version/);
  });

  it("keygen writes an age identity file with mode 0600 and refuses to overwrite it", async () => {
    for (const role of roles) {
      const out = await json(role, ["keygen"]);
      assert.match(out.recipient, /^age1[0-9a-z]{58}$/);
      assert.equal(out.identityFile, join(dir, role, "identity.txt"));
      const mode = (await stat(join(dir, role, "identity.txt"))).mode & 0o777;
      assert.equal(mode, 0o600);
    }
    const again = await cli("A", ["keygen"]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  it("publish checks price, rewards and title before it encrypts or sends anything, as usage errors (exit 2)", async () => {
    const base = ["publish", "album.bin", "--currency", "ETH", "--title", "T", "--price", "0.05"];
    const before = await readdir(join(dir, "publisher"));
    // The chain's address is wrong on purpose: a flag that is checked first never gets to ask it.
    const offline = { rpc: "http://127.0.0.1:9" };
    const negative = await cli("publisher", [...base, "--price", "-1"], offline);
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /--price must be a non-negative decimal amount, such as 0\.05; not "-1"/);
    const notNumber = await cli("publisher", [...base, "--price", "1e3", "--json"], offline);
    assert.equal(notNumber.code, 2);
    assert.equal(JSON.parse(notNumber.stdout).error.code, "USAGE");
    const blank = await cli("publisher", [...base, "--title", "  "], offline);
    assert.equal(blank.code, 2);
    assert.match(blank.stderr, /--title must not be empty/);
    const badPercent = await cli("publisher", [...base, "--rewards", "10,ten"], offline);
    assert.equal(badPercent.code, 2);
    assert.match(badPercent.stderr, /--rewards takes percentages between 0 and 100, not "ten"/);
    const twoCurrencies = await cli("publisher", [...base, "--currency", "DUSD"], offline);
    assert.equal(twoCurrencies.code, 2);
    const notImage = await cli("publisher", [...base, "--cover", "album.bin"], offline);
    assert.equal(notImage.code, 2);
    assert.match(notImage.stderr, /--cover takes a PNG, JPEG, GIF, WebP or SVG image/);
    await writeFile(join(dir, "poster.png"), Buffer.alloc(70 * 1024));
    const poster = await cli("publisher", [...base, "--cover", join(dir, "poster.png")], offline);
    assert.equal(poster.code, 2);
    assert.match(
      poster.stderr,
      /--cover: the image is 70 KiB; a cover is stored on chain, so at most 64 KiB/,
    );

    const count = await contentCount();
    const overLimit = await cli("publisher", [...base, "--rewards", "60,50"]);
    assert.equal(overLimit.code, 2);
    assert.equal(
      overLimit.stderr,
      "superdist: --rewards: Rewards add up to 110%; the market allows at most 95% (100% less MAX_PROTOCOL_FEE_BPS, " +
        "5%, kept for the protocol fee).\n",
    );
    const unknown = await cli("publisher", [...base.slice(0, 2), "--currency", "FOO", ...base.slice(4)]);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /--currency takes ETH, DUSD \(0x[0-9a-fA-F]{40}\), or a token address; not "FOO"/,
    );
    assert.equal(await contentCount(), count);
    assert.deepEqual(await readdir(join(dir, "publisher")), before);
  });

  it("any flag parseArgs refuses is a usage error, exit 2, on one line", async () => {
    for (const args of [
      ["rewards", "--bogus"],
      ["rewards", "--json=yes"],
      ["rekey", "--token"],
    ]) {
      const result = await cli("A", args);
      assert.equal(result.code, 2, args.join(" "));
      assert.equal(result.stderr.trim().split("\n").length, 1);
      assert.match(result.stderr, /See `superdist --help`/);
    }
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

  it("open -o - writes the plaintext to stdout, with a progress bar in KiB on stderr", async () => {
    const before = await readdir(join(dir, "publisher"));
    const result = await cli("publisher", ["open", publisherCopy, "-o", "-"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(createHash("sha256").update(result.bytes).digest("hex"), await sha256(plaintext));
    assert.deepEqual(await readdir(join(dir, "publisher")), before);
    // 208,953 bytes: a small file reads in KiB, not "0.2/0.2 MiB".
    assert.match(result.stderr, /decrypting \[#{30}\] 100% 204\.1\/204\.1 KiB /);
    assert.match(result.stderr, /Opened "The "Album"" → stdout/);
    const both = await cli("publisher", ["open", publisherCopy, "-o", "-", "--json"]);
    assert.equal(both.code, 2);
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

  it("buy on a terminal asks first, and a no spends nothing", async () => {
    const result = await cli("A", ["buy", "album.bin.superdist"], { input: "n\n", tty: true });
    assert.equal(result.code, 4);
    assert.match(result.stderr, /Buy "The "Album"" for 0\.05 ETH/);
    assert.match(result.stderr, /Proceed\? \[y\/N\] /);
    assert.match(result.stderr, /Nothing bought/);
  });

  it("A buys through the publisher's copy and gets a copy keyed to license #1", async () => {
    // A relative path, taken from A's working directory; the no above bought nothing, so this is license #1.
    const out = await json("A", ["buy", "album.bin.superdist"]);
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
    // Nothing left is an answer, not a failure.
    const nothing = await cli("A", ["claim"]);
    assert.equal(nothing.code, 0);
    assert.equal(nothing.stdout, `${a} has nothing to claim.\n`);
    assert.equal(nothing.stderr, "");
  });

  it("a content priced in DUSD, named by its symbol: bought with a permit, claimed with symbol and decimals", async () => {
    assert.equal(
      chain.demoToken,
      deployments["31337"].demoToken,
      "the symbols come from the deployment record",
    );
    const a = privateKeyToAccount(chain.privateKeys[keyIndex.A]).address;
    const minter = createWalletClient({
      account: privateKeyToAccount(chain.privateKeys[0]),
      chain: { ...hardhat, rpcUrls: { default: { http: [chain.rpcUrl] } } },
      transport: http(chain.rpcUrl),
    });
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    await client.waitForTransactionReceipt({
      hash: await minter.writeContract({
        address: chain.demoToken,
        abi: demoTokenAbi,
        functionName: "mint",
        args: [a, parseUnits("100", 18)],
      }),
    });
    await writeFile(join(dir, "publisher", "notes.txt"), "liner notes\n");
    const published = await json("publisher", [
      "publish",
      "notes.txt",
      "--price",
      "5",
      "--currency",
      "dusd",
      "--rewards",
      "20",
      "--title",
      "Notes",
    ]);
    assert.equal(published.output, join(dir, "publisher", "notes.txt.superdist"));
    assert.equal(published.currency.address, chain.demoToken);
    assert.equal(published.currency.symbol, "DUSD");
    await copyFile(published.output, join(dir, "A", "notes.txt.superdist"));
    const bought = await json("A", ["buy", "notes.txt.superdist"]);
    assert.equal(
      await client.readContract({
        address: chain.demoToken,
        abi: demoTokenAbi,
        functionName: "balanceOf",
        args: [a],
      }),
      parseUnits("95", 18),
    );

    const claimed = await json("publisher", ["claim"]);
    const paid = new Map(
      claimed.paid.map((p: { currency: { symbol: string; decimals: number }; amount: string }) => [
        p.currency.symbol,
        p,
      ]),
    );
    assert.deepEqual([...paid.keys()].sort(), ["DUSD", "ETH"]);
    const dusd = paid.get("DUSD") as { currency: { address: string; decimals: number }; amount: string };
    assert.equal(dusd.currency.address, chain.demoToken);
    assert.equal(dusd.currency.decimals, 18);
    assert.equal(BigInt(dusd.amount), BigInt(bought.split.publisher));
    const again = await json("publisher", ["claim", "--currency", "DUSD"]);
    assert.deepEqual(again.paid, []);
    const unknown = await cli("publisher", ["claim", "--currency", "FOO"]);
    assert.equal(unknown.code, 2);
  });

  it("a wallet key file and a package named relative to the working directory", async () => {
    await writeFile(join(dir, "B", "wallet.key"), `${chain.privateKeys[keyIndex.B]}\n`, { mode: 0o600 });
    const out = await json("B", ["rewards", "--key-file", "wallet.key"], { env: {} });
    assert.equal(out.account, privateKeyToAccount(chain.privateKeys[keyIndex.B]).address);
    const human = await cli("B", ["inspect", "album.bin.license-1.superdist"], { env: {} });
    assert.equal(human.code, 0, human.stderr);
    assert.ok(human.stdout.startsWith(`The "Album" — content #${contentId}\n`), human.stdout);
    const missing = await cli("B", ["rewards"], { env: {} });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No wallet key/);
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
