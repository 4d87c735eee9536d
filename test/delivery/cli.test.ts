/**
 * A buyer with nothing but a share link, on a real Hardhat node, a real verifier and a real WebSocket tracker: the
 * publisher publishes with a web seed and runs `superdist share` as a process of its own; the buyer runs `fetch`,
 * `open` (exit 3), `buy --yes`, then `open`, and the Debian `age` tool opens the buyer's copy too. The buyer's CLI
 * runs in this process through `main`; `share` runs as its own process, stopped by its PID with SIGINT.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable, Writable } from "node:stream";
import { promisify } from "node:util";
import { decodeMetadata, getContent } from "@superdist/contracts";
import { generateX25519Identity } from "@superdist/package";
import { parseMagnet } from "@superdist/sdk";
import { type StartedVerifier, startVerifier } from "@superdist/verifier";
import { pino } from "pino";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, test } from "vitest";
import { main } from "../../packages/cli/src/main.ts";
import { type LocalChain, ROOT, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { startTracker, type Tracker } from "../../scripts/stack/trackerServer.ts";

const exec = promisify(execFile);
const BIN = join(ROOT, "packages/cli/bin/superdist.ts");

class Captured extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

type Result = { code: number; stdout: string; stderr: string };

describe("a buyer with only a share link", () => {
  let chain: LocalChain;
  let verifier: StartedVerifier;
  let tracker: Tracker | undefined;
  let trackerUrl: string;
  let dir: string;
  let sharePort: number;
  let share: ChildProcess | undefined;
  const shareLines: string[] = [];
  const roles = { publisher: 1, B: 3 } as const;
  type Role = keyof typeof roles;
  const DAPP = "http://127.0.0.1:3000";

  const cli = async (
    role: Role,
    args: string[],
    extra: { signal?: AbortSignal; stdout?: Captured } = {},
  ): Promise<Result> => {
    const stdout = extra.stdout ?? new Captured();
    const stderr = new Captured();
    const code = await main(
      [
        ...args,
        "--rpc",
        chain.rpcUrl,
        "--market",
        chain.market,
        "--verifier",
        verifier.url,
        "--dapp",
        DAPP,
        "--identity",
        "identity.txt",
      ],
      {
        stdout,
        stderr,
        stdin: Object.assign(Readable.from([]), { isTTY: false }),
        cwd: join(dir, role),
        env: {
          SUPERDIST_PRIVATE_KEY: chain.privateKeys[roles[role]] as string,
          SUPERDIST_TRACKER_URL: trackerUrl,
        },
        signal: extra.signal,
      },
    );
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };
  const json = async (role: Role, args: string[]) => {
    const result = await cli(role, [...args, "--json", "--yes"]);
    assert.equal(result.code, 0, `superdist ${args.join(" ")} failed: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };

  let plaintext: Buffer;
  let publisherCopy: string;
  let contentId: bigint;
  let shared: { shareLink: string; magnet: string; infoHash: string; webSeed: string; name: string };

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
    tracker = await startTracker();
    trackerUrl = tracker.url;
    dir = await mkdtemp(join(tmpdir(), "superdist-share-"));
    for (const role of Object.keys(roles)) await mkdir(join(dir, role));
    // Several pieces of 1 MiB and a short one.
    plaintext = randomBytes(3 * 1024 * 1024 + 4321);
    await writeFile(join(dir, "publisher", "album.bin"), plaintext);
    sharePort = await freePort();
  });

  afterAll(async () => {
    if (share?.pid && share.exitCode === null) {
      share.kill("SIGKILL");
      await once(share, "exit");
    }
    await tracker?.close();
    await verifier?.close();
    await chain?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("the publisher publishes with its web seed and tracker, and the metadata names that magnet", async () => {
    await json("publisher", ["keygen"]);
    const out = await json("publisher", [
      "publish",
      "album.bin",
      "--price",
      "0.01",
      "--currency",
      "ETH",
      "--rewards",
      "10",
      "--title",
      "Album",
      "--web-seed",
      `http://127.0.0.1:${sharePort}/`,
      "--url",
      `http://127.0.0.1:${sharePort}/album.bin.superdist`,
    ]);
    contentId = BigInt(out.contentId);
    publisherCopy = out.output;
    const { metadataURI } = await getContent(createPublicClient({ transport: http(chain.rpcUrl) }), {
      market: chain.market,
      contentId,
    });
    const metadata = decodeMetadata(metadataURI);
    assert.equal(metadata.magnet, out.magnet);
    assert.deepEqual(parseMagnet(out.magnet).trackers, [trackerUrl]);
    assert.equal(metadata.url, `http://127.0.0.1:${sharePort}/album.bin.superdist`);
  });

  test("`superdist share` serves the publisher's copy as its own process; --json gives one line of links", async () => {
    share = spawn(
      process.execPath,
      [
        BIN,
        "share",
        publisherCopy,
        "--port",
        String(sharePort),
        "--tracker",
        trackerUrl,
        "--dapp",
        DAPP,
        "--json",
      ],
      { cwd: join(dir, "publisher"), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    share.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const lines = createInterface({ input: share.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => shareLines.push(line));
    for (let i = 0; i < 300 && shareLines.length === 0 && share.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(shareLines.length > 0, `share printed nothing: ${stderr}`);
    const ready = JSON.parse(shareLines[0] as string);
    assert.equal(ready.port, sharePort);
    shared = ready.copies[0];
    assert.equal(shared.name, "album.bin.superdist");
    // The same torrent the publication recorded: the link on chain and the one printed here fetch the same bytes.
    const { metadataURI } = await getContent(createPublicClient({ transport: http(chain.rpcUrl) }), {
      market: chain.market,
      contentId,
    });
    assert.equal(parseMagnet(decodeMetadata(metadataURI).magnet as string).infoHash, shared.infoHash);
    assert.equal(shared.shareLink, `${DAPP}/open#${shared.magnet}`);
    assert.equal(shared.webSeed, `http://127.0.0.1:${sharePort}/album.bin.superdist`);
    for (let i = 0; i < 100 && !stderr.includes("announced"); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(stderr, /tracker ws:\/\/127\.0\.0\.1:\d+: announced \(1 seeding, 0 fetching\)/);
  });

  test("fetch, open (exit 3), buy --yes, open: the buyer ends with a copy of their own, which age opens too", async () => {
    await json("B", ["keygen"]);
    const fetched = await json("B", ["fetch", shared.shareLink]);
    assert.equal(fetched.output, join(dir, "B", "album.bin.superdist"));
    assert.equal(fetched.infoHash, shared.infoHash);
    assert.equal(fetched.contentId, String(contentId));
    assert.deepEqual(await readFile(fetched.output), await readFile(publisherCopy));

    const locked = await cli("B", ["open", fetched.output]);
    assert.equal(locked.code, 3, locked.stderr);
    assert.match(locked.stderr, /publisher's copy/);

    const bought = await json("B", ["buy", fetched.output]);
    const opened = await json("B", ["open", bought.output, "-o", "album.out"]);
    assert.equal(opened.licensed, true);
    assert.deepEqual(await readFile(join(dir, "B", "album.out")), plaintext);
    const { stdout } = await exec("age", ["-d", "-i", join(dir, "B", "identity.txt"), bought.output], {
      encoding: "buffer",
      maxBuffer: 16 << 20,
    });
    assert.deepEqual(stdout, plaintext);
  });

  test("fetch through the metadata's magnet alone, with a progress bar; what exists is never overwritten", async () => {
    const { metadataURI } = await getContent(createPublicClient({ transport: http(chain.rpcUrl) }), {
      market: chain.market,
      contentId,
    });
    const magnet = decodeMetadata(metadataURI).magnet as string;
    const result = await cli("B", ["fetch", magnet, "-o", "again.superdist"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /fetching \[#{30}\] 100% 3\.0\/3\.0 MiB/);
    assert.match(result.stdout, /every piece checked against torrent [0-9a-f]{40}/);
    assert.deepEqual(await readFile(join(dir, "B", "again.superdist")), await readFile(publisherCopy));
    const exists = await cli("B", ["fetch", magnet, "-o", "again.superdist"]);
    assert.equal(exists.code, 1);
    assert.match(exists.stderr, /already exists/);
    const usage = await cli("B", ["fetch", "not-a-link"]);
    assert.equal(usage.code, 2);
    const wrong = await cli("B", [
      "fetch",
      magnet.replace(/btih:[0-9a-f]{40}/, `btih:${"f".repeat(40)}`),
      "-o",
      "wrong.superdist",
      "--json",
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(JSON.parse(wrong.stdout).error.code, "INFO_HASH_MISMATCH");
    assert.ok(
      !(await readdir(join(dir, "B"))).some((name) => name.endsWith(".part") || name.startsWith("wrong")),
    );
  });

  test("share logs each download, and SIGINT stops it with exit 0", async () => {
    const requests = shareLines.slice(1).map((line) => JSON.parse(line).request);
    const downloads = requests.filter((r) => r.name === "album.bin.superdist" && r.method === "GET");
    assert.ok(downloads.length >= 2, JSON.stringify(requests));
    assert.ok(downloads.every((r) => r.status === 200 && r.remote.startsWith("127.0.0.1:")));
    assert.ok(requests.some((r) => r.name === "album.bin.superdist.torrent"));
    const exited = once(share as ChildProcess, "exit");
    process.kill(share?.pid as number, "SIGINT");
    const [code] = await exited;
    assert.equal(code, 0);
  });

  test("in-process share prints the links for people, then stops when its signal aborts", async () => {
    const controller = new AbortController();
    const stdout = new Captured();
    const running = cli("publisher", ["share", publisherCopy, "--tracker", trackerUrl], {
      signal: controller.signal,
      stdout,
    });
    for (let i = 0; i < 200 && !stdout.text().includes("Serving on"); i++)
      await new Promise((r) => setTimeout(r, 25));
    const link = /share link: (\S+)/.exec(stdout.text())?.[1] as string;
    await json("B", ["fetch", link, "-o", "third.superdist"]);
    controller.abort();
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Sharing album\.bin\.superdist \(3\.0 MiB, content #\d+, the publisher's copy\)/,
    );
    assert.match(result.stdout, /share link: http:\/\/127\.0\.0\.1:3000\/open#magnet:\?xt=urn:btih:/);
    assert.match(result.stdout, /Serving on http:\/\/127\.0\.0\.1:\d+ until Ctrl-C\./);
    assert.match(result.stdout, /127\.0\.0\.1:\d+ GET album\.bin\.superdist → 200, 3\.0 MiB in \d+ ms/);
    assert.match(result.stderr, /Stopped sharing\./);
    const missing = await cli("publisher", ["share", "missing.superdist"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No such file/);
    const badPort = await cli("publisher", ["share", publisherCopy, "--port", "http"]);
    assert.equal(badPort.code, 2);
  });
});
