/**
 * Torrent metadata and magnets of the shared library, and copies fetched over HTTP from `serveCopy`'s web seed:
 * byte-identical when all is well, refused with a stable code (and nothing under the final name) when a piece is
 * damaged, the info hash is another's, or the file is no package.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { encryptFile } from "@superdist/package/node";
import {
  choosePieceLength,
  createTorrent,
  DeliveryError,
  decodeBencode,
  encodeBencode,
  fetchCopy,
  magnetFromShareLink,
  magnetUri,
  parseCopySource,
  parseMagnet,
  parseTorrent,
  type Stage,
  shareLinkFor,
  type Torrent,
  webSeedUrl,
  withSources,
} from "@superdist/sdk";
import { fetchCopyFile, parseRange, type ServeCopyReturnType, serveCopy } from "@superdist/sdk/node";
import { afterAll, beforeAll, describe, test } from "vitest";
import { startTracker, type Tracker } from "../../scripts/stack/trackerServer.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
/** The piece length `serveCopy` cuts the test package into. */
const PIECE = MiB;

const sha1 = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest();

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryError, `expected a DeliveryError, got ${error}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe("bencode", () => {
  test("sorts dictionary keys as bytes and round-trips integers, strings, lists and dictionaries", () => {
    const encoded = encodeBencode({ zeta: 1, alpha: [2, "x", new Uint8Array([0, 255])], "piece length": -3 });
    assert.equal(
      Buffer.from(encoded).toString("latin1"),
      "d5:alphali2e1:x2:\x00\xffe12:piece lengthi-3e4:zetai1ee",
    );
    const { value } = decodeBencode(encoded);
    assert.deepEqual(JSON.parse(JSON.stringify(value)).zeta, 1);
  });

  test("refuses what BEP 3 does not allow instead of guessing", () => {
    for (const bad of [
      "i01e",
      "i-0e",
      "d1:bi1e1:ai2ee",
      "d1:ai1e1:ai2ee",
      "i1ei2e",
      "5:abc",
      "l",
      "x",
      "i99999999999999999999e",
    ]) {
      assert.throws(() => decodeBencode(Buffer.from(bad, "latin1")), { code: "TORRENT_INVALID" }, bad);
    }
    assert.throws(() => decodeBencode(Buffer.from(`${"l".repeat(100)}${"e".repeat(100)}`)), {
      code: "TORRENT_INVALID",
    });
  });
});

describe("torrents", () => {
  test("the info hash is the SHA-1 of the bencoded single-file info dictionary, pieces cut at the piece length", async () => {
    const bytes = randomBytes(300 * KiB);
    const torrent = await createTorrent(new Blob([bytes]), { name: "a.bin", pieceLength: 256 * KiB });
    const pieces = Buffer.concat([sha1(bytes.subarray(0, 256 * KiB)), sha1(bytes.subarray(256 * KiB))]);
    const info = Buffer.concat([
      Buffer.from(`d6:lengthi${bytes.length}e4:name5:a.bin12:piece lengthi${256 * KiB}e6:pieces40:`),
      pieces,
      Buffer.from("e"),
    ]);
    assert.equal(torrent.infoHash, sha1(info).toString("hex"));
    assert.deepEqual(Buffer.from(torrent.info.pieces), pieces);
  });

  test("a .torrent parses back to the same info hash, and other trackers or web seeds do not change it", async () => {
    const torrent = await createTorrent(new Blob([randomBytes(5000)]), {
      name: "album.superdist",
      announce: ["ws://127.0.0.1:1"],
      urlList: ["http://127.0.0.1:2/album.superdist"],
    });
    const parsed = parseTorrent(torrent.torrentFile);
    assert.equal(parsed.infoHash, torrent.infoHash);
    assert.deepEqual(parsed.announce, ["ws://127.0.0.1:1"]);
    assert.deepEqual(parsed.urlList, ["http://127.0.0.1:2/album.superdist"]);
    assert.deepEqual(parsed.info, torrent.info);
    const moved = withSources(torrent, { announce: ["wss://tracker.example"], urlList: [] });
    assert.equal(parseTorrent(moved.torrentFile).infoHash, torrent.infoHash);
  });

  test("a stream hashes to the same torrent as a Blob of the same bytes", async () => {
    const bytes = randomBytes(700 * KiB + 3);
    const fromBlob = await createTorrent(new Blob([bytes]), { name: "x.superdist" });
    const fromStream = await createTorrent(new Blob([bytes]).stream(), {
      name: "x.superdist",
      size: bytes.length,
    });
    assert.equal(fromStream.infoHash, fromBlob.infoHash);
  });

  test("pieces are 1 MiB up to 1 GiB, then grow to keep at most 1,024 of them, up to 16 MiB", () => {
    assert.equal(choosePieceLength(1), MiB);
    assert.equal(choosePieceLength(1024 * MiB), MiB);
    assert.equal(choosePieceLength(1024 * MiB + 1), 2 * MiB);
    assert.equal(choosePieceLength(4096 * MiB), 4 * MiB);
    assert.equal(choosePieceLength(1024 * 1024 * MiB), 16 * MiB);
  });

  test("a .torrent that is not one safe single file is refused", async () => {
    const torrent = await createTorrent(new Blob([randomBytes(10)]), { name: "ok" });
    const info = { length: 10, name: "../etc/passwd", "piece length": 262144, pieces: torrent.info.pieces };
    assert.throws(() => parseTorrent(encodeBencode({ info })), { code: "TORRENT_INVALID" });
    assert.throws(() => parseTorrent(encodeBencode({ info: { ...info, name: "ok", length: 300_000 } })), {
      code: "TORRENT_INVALID",
    });
    assert.throws(() => parseTorrent(encodeBencode({ info: { ...info, name: "ok", files: [] } })), {
      code: "TORRENT_INVALID",
    });
    assert.throws(() => parseTorrent(Buffer.from("<html>")), { code: "TORRENT_INVALID" });
  });
});

describe("magnets", () => {
  const infoHash = "0123456789abcdef0123456789abcdef01234567";

  test("build and parse: info hash, name, trackers, web seeds, .torrent URLs and plain URLs, any character", () => {
    const magnet = {
      infoHash,
      name: "Harbour & dusk=1+1.superdist",
      trackers: ["ws://127.0.0.1:8000", "wss://tracker.example/announce?key=a&b=c"],
      webSeeds: ["http://127.0.0.1:8700/Harbour%20%26.superdist"],
      torrentUrls: ["http://127.0.0.1:8700/x.torrent"],
      urls: ["https://cdn.example/x?sig=a&b"],
    };
    const uri = magnetUri(magnet);
    assert.match(uri, /^magnet:\?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=/);
    assert.deepEqual(parseMagnet(uri), magnet);
  });

  test("base32 info hashes, upper-case hex, `+` as a space and unknown parameters are understood", () => {
    const base32 = "AERUKZ4JVPG66AJDIVTYTK6N54ASGRLH";
    assert.equal(parseMagnet(`magnet:?xt=urn:btih:${base32}`).infoHash, infoHash);
    const parsed = parseMagnet(
      `magnet:?xt=urn:btih:${infoHash.toUpperCase()}&dn=a+b&x.pe=1.2.3.4:5&xs=urn:btpk:00`,
    );
    assert.deepEqual([parsed.infoHash, parsed.name, parsed.torrentUrls], [infoHash, "a b", []]);
  });

  test("a magnet without a v1 info hash is refused", () => {
    for (const bad of [
      "magnet:?dn=x",
      "magnet:?xt=urn:btih:1234",
      "magnet:?xt=urn:btmh:1220ab",
      "http://x",
    ]) {
      assert.throws(() => parseMagnet(bad), { code: "MAGNET_INVALID" }, bad);
    }
  });

  test("share links carry the magnet after '#', as written or as a pasted, percent-encoded whole", () => {
    const uri = magnetUri({ infoHash, name: "a.superdist", trackers: ["ws://127.0.0.1:8000"], webSeeds: [] });
    const link = shareLinkFor("http://127.0.0.1:3000/", uri);
    assert.equal(link, `http://127.0.0.1:3000/open#${uri}`);
    assert.equal(magnetFromShareLink(link), uri);
    assert.equal(magnetFromShareLink(`http://127.0.0.1:3000/open#${encodeURIComponent(uri)}`), uri);
    assert.equal(magnetFromShareLink("http://127.0.0.1:3000/open"), undefined);
    const source = parseCopySource(link);
    assert.equal(source.kind === "magnet" && source.magnet.trackers[0], "ws://127.0.0.1:8000");
    assert.deepEqual(parseCopySource("https://cdn.example/a.superdist"), {
      kind: "url",
      url: "https://cdn.example/a.superdist",
    });
    assert.throws(() => parseCopySource("a.superdist"), { code: "SOURCE_INVALID" });
  });

  test("a web seed given as a folder names the file in it", () => {
    assert.equal(webSeedUrl("http://h/seeds/", "a b.superdist"), "http://h/seeds/a%20b.superdist");
    assert.equal(webSeedUrl("http://h/a.superdist", "other"), "http://h/a.superdist");
  });

  test("byte ranges: a-b, a-, -n; past the end is unsatisfiable; several or malformed mean the whole file", () => {
    assert.deepEqual(parseRange("bytes=0-9", 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange("bytes=90-200", 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange("bytes=50-", 100), { start: 50, end: 99 });
    assert.deepEqual(parseRange("bytes=-10", 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange("bytes=-500", 100), { start: 0, end: 99 });
    assert.equal(parseRange("bytes=100-", 100), "unsatisfiable");
    assert.equal(parseRange("bytes=-0", 100), "unsatisfiable");
    assert.equal(parseRange("bytes=0-1,5-6", 100), undefined);
    assert.equal(parseRange("bytes=9-1", 100), undefined);
    assert.equal(parseRange("items=0-1", 100), undefined);
    assert.equal(parseRange(undefined, 100), undefined);
  });
});

describe("copies over HTTP", () => {
  let dir: string;
  let packagePath: string;
  let packageBytes: Buffer;
  let served: ServeCopyReturnType;
  const requests: string[] = [];
  const trackerEvents: string[] = [];
  let tracker: Tracker;
  let trackerUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "superdist-delivery-"));
    const plaintext = join(dir, "album.bin");
    // Several pieces and a short last one.
    await writeFile(plaintext, randomBytes(3 * PIECE + 12_345));
    packagePath = join(dir, "album.bin.superdist");
    const identity = await generateX25519Identity();
    await encryptFile(plaintext, packagePath, {
      holderRecipients: [await identityToRecipient(identity)],
      verifierRecipient: await identityToRecipient(await generateX25519Identity()),
      lineage: {
        chainId: 31337n,
        market: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        contentId: 1n,
        holderTokenId: 0n,
      },
    });
    packageBytes = await readFile(packagePath);
    await mkdir(join(dir, "out"));
    tracker = await startTracker();
    trackerUrl = tracker.url;
    served = await serveCopy({
      packages: [packagePath],
      trackers: [trackerUrl],
      onRequest: (r) => requests.push(`${r.method} ${r.name} ${r.range ?? "-"} ${r.status} ${r.bytes}`),
      onTracker: (event) => trackerEvents.push(event.status),
    });
  });

  afterAll(async () => {
    await served?.close();
    await tracker?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const output = (name: string) => join(dir, "out", name);
  const leftovers = () => readdir(join(dir, "out"));

  test("serveCopy names its web seed and .torrent in the magnet, and the torrent is that of the package", async () => {
    const [copy] = served.copies;
    assert.ok(copy);
    const magnet = parseMagnet(copy.magnet);
    assert.equal(
      magnet.infoHash,
      (await createTorrent(new Blob([new Uint8Array(packageBytes)]), { name: copy.name })).infoHash,
    );
    assert.deepEqual(magnet.webSeeds, [`${served.url}/album.bin.superdist`]);
    assert.deepEqual(magnet.torrentUrls, [`${served.url}/album.bin.superdist.torrent`]);
    assert.deepEqual(magnet.trackers, [trackerUrl]);
    const index = await (await fetch(served.url)).json();
    assert.equal(index.copies[0].infoHash, magnet.infoHash);
  });

  test("the web seed answers ranges (206, 416), HEAD, and browsers' CORS preflights", async () => {
    const url = served.copies[0]?.url as string;
    const partial = await fetch(url, { headers: { range: "bytes=10-19" } });
    assert.equal(partial.status, 206);
    assert.equal(partial.headers.get("content-range"), `bytes 10-19/${packageBytes.length}`);
    assert.equal(partial.headers.get("access-control-allow-origin"), "*");
    assert.match(partial.headers.get("access-control-expose-headers") ?? "", /Content-Range/);
    assert.deepEqual(Buffer.from(await partial.arrayBuffer()), packageBytes.subarray(10, 20));
    const past = await fetch(url, { headers: { range: `bytes=${packageBytes.length}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get("content-range"), `bytes */${packageBytes.length}`);
    const head = await fetch(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(packageBytes.length));
    assert.equal(head.headers.get("accept-ranges"), "bytes");
    const preflight = await fetch(url, {
      method: "OPTIONS",
      headers: { origin: "http://app.example", "access-control-request-headers": "cache-control,range" },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-headers"), "cache-control,range");
    assert.equal((await fetch(`${served.url}/nothing`)).status, 404);
    assert.equal((await fetch(url, { method: "POST" })).status, 405);
    assert.ok(
      requests.some((line) => line.startsWith("GET album.bin.superdist bytes=10-19 206 10")),
      requests.join("\n"),
    );
  });

  test("announces its copies to the WebSocket tracker as a seeder, and leaves the swarm on close", async () => {
    const infoHash = served.copies[0]?.torrent.infoHash as string;
    const seeders = () =>
      new Promise<number>((resolve, reject) =>
        tracker.server.getSwarm(infoHash, (error: Error | null, swarm?: { complete: number }) =>
          error ? reject(error) : resolve(swarm?.complete ?? 0),
        ),
      );
    const until = async (check: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
    };
    await until(() => trackerEvents.includes("announced"));
    assert.deepEqual(trackerEvents, ["announced"]);
    assert.equal(await seeders(), 1);
    const events: string[] = [];
    const second = await serveCopy({
      packages: [packagePath],
      trackers: [trackerUrl],
      onTracker: (event) => events.push(event.status),
    });
    await until(async () => (await seeders()) === 2);
    assert.equal(await seeders(), 2);
    await second.close();
    await until(async () => (await seeders()) === 1);
    assert.equal(await seeders(), 1);
    assert.deepEqual(events, ["announced"]);
  });

  test("fetchCopyFile through the magnet is byte-identical, with progress to the whole length", async () => {
    const stages: Stage[] = [];
    const fetched = await fetchCopyFile({
      source: served.copies[0]?.magnet as string,
      output: output("magnet.superdist"),
      onStage: (stage) => stages.push(stage),
    });
    assert.deepEqual(await readFile(fetched.output), packageBytes);
    assert.equal(fetched.name, "album.bin.superdist");
    assert.equal(fetched.header.lineage.contentId, 1n);
    assert.equal(fetched.torrent?.infoHash, served.copies[0]?.torrent.infoHash);
    const last = stages.filter((s) => s.status === "progress").at(-1);
    assert.deepEqual(last && "done" in last && [last.done, last.total], [
      packageBytes.length,
      packageBytes.length,
    ]);
    assert.equal(stages.at(-1)?.status, "done");
    assert.deepEqual(await leftovers(), ["magnet.superdist"]);
  });

  test("fetchCopy from a plain URL or from a magnet with only a web seed (no xs) gives the same bytes", async () => {
    const byUrl = await fetchCopy({ source: served.copies[0]?.url as string });
    assert.deepEqual(Buffer.from(await byUrl.blob.arrayBuffer()), packageBytes);
    assert.equal(byUrl.name, "album.bin.superdist");
    const onlySeed = magnetUri({
      infoHash: served.copies[0]?.torrent.infoHash as string,
      name: "album.bin.superdist",
      webSeeds: [`${served.url}/`],
    });
    const bySeed = await fetchCopy({ source: onlySeed });
    assert.deepEqual(Buffer.from(await bySeed.blob.arrayBuffer()), packageBytes);
    // With no .torrent to be had, a magnet's plain URL (`as`) still gives the copy, hashed as it arrives: the info
    // hash under the magnet's name must be the magnet's.
    const onlyUrl = magnetUri({
      infoHash: served.copies[0]?.torrent.infoHash as string,
      name: "album.bin.superdist",
      urls: [served.copies[0]?.url as string],
    });
    const byPlainUrl = await fetchCopy({ source: onlyUrl });
    assert.deepEqual([byPlainUrl.name, byPlainUrl.torrent], ["album.bin.superdist", undefined]);
    assert.deepEqual(Buffer.from(await byPlainUrl.blob.arrayBuffer()), packageBytes);
    const renamed = magnetUri({ ...parseMagnet(onlyUrl), name: "renamed.superdist" });
    await rejectsWith(
      fetchCopyFile({ source: renamed, output: output("renamed.superdist") }),
      "INFO_HASH_MISMATCH",
    );
  });

  /**
   * A web seed that serves the package with one byte flipped in piece 2, cut short, or whole whatever the Range
   * header asks, and beside it the package's .torrent without the good web seed in its url-list.
   */
  async function badSeed(
    kind: "corrupt" | "short" | "no ranges",
  ): Promise<{ url: string; ranges(): string[]; close(): void }> {
    const torrent = withSources(served.copies[0]?.torrent as Torrent, {});
    const ranges: string[] = [];
    const server = createServer((request, response) => {
      if (request.url?.endsWith(".torrent")) {
        response.end(torrent.torrentFile);
        return;
      }
      if (request.headers.range) ranges.push(request.headers.range);
      const bytes = Buffer.from(packageBytes);
      if (kind === "corrupt") bytes[2 * PIECE + 7] ^= 0x01;
      const match = kind === "no ranges" ? null : /bytes=(\d+)-/.exec(request.headers.range ?? "");
      const start = match ? Number(match[1]) : 0;
      const body = kind === "short" ? bytes.subarray(start, bytes.length - 1000) : bytes.subarray(start);
      response.writeHead(match ? 206 : 200, {
        "content-length": bytes.length - start,
        ...(match ? { "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
      });
      // Cut off before the declared length, once what was sent has left.
      if (kind === "short") response.write(body, () => response.socket?.end());
      else response.end(body);
    });
    const base = await listen(server);
    return {
      url: `${base}/album.bin.superdist`,
      ranges: () => ranges,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  test("a corrupted piece is refused with PIECE_CORRUPT, and nothing is left under the final name", async () => {
    const bad = await badSeed("corrupt");
    try {
      const magnet = magnetUri({
        infoHash: served.copies[0]?.torrent.infoHash as string,
        name: "album.bin.superdist",
        webSeeds: [bad.url],
      });
      const error = await rejectsWith(
        fetchCopyFile({ source: magnet, output: output("corrupt.superdist") }),
        "PIECE_CORRUPT",
      );
      assert.match(error.details ?? "", /piece 2 of 4/);
      assert.deepEqual(await leftovers(), ["magnet.superdist"]);
    } finally {
      bad.close();
    }
  });

  test("a bad or short web seed is dropped and the next one resumes at the first piece not yet written", async () => {
    const corrupt = await badSeed("corrupt");
    const short = await badSeed("short");
    try {
      const magnet = magnetUri({
        infoHash: served.copies[0]?.torrent.infoHash as string,
        name: "album.bin.superdist",
        webSeeds: [corrupt.url, short.url, served.copies[0]?.url as string],
      });
      const before = requests.length;
      const fetched = await fetchCopyFile({ source: magnet, output: output("resumed.superdist") });
      assert.deepEqual(await readFile(fetched.output), packageBytes);
      assert.equal(fetched.from, served.copies[0]?.url);
      // The corrupt seed failed at piece 2, the short one at piece 3: the good seed was asked only for piece 3 on.
      assert.deepEqual(
        requests.slice(before).filter((line) => line.startsWith("GET album.bin.superdist ")),
        [`GET album.bin.superdist bytes=${3 * PIECE}- 206 ${packageBytes.length - 3 * PIECE}`],
      );
      const shortOnly = magnetUri({
        infoHash: served.copies[0]?.torrent.infoHash as string,
        webSeeds: [short.url],
      });
      // A connection cut before the declared length is a failed fetch, as any network failure.
      await rejectsWith(
        fetchCopyFile({ source: shortOnly, output: output("short.superdist") }),
        "FETCH_FAILED",
      );
    } finally {
      corrupt.close();
      short.close();
    }
    await rm(output("resumed.superdist"));
    assert.deepEqual(await leftovers(), ["magnet.superdist"]);
  });

  test("a seed that ignores Range is read past what is already written, and gives the same bytes", async () => {
    const corrupt = await badSeed("corrupt");
    const whole = await badSeed("no ranges");
    try {
      const magnet = magnetUri({
        infoHash: served.copies[0]?.torrent.infoHash as string,
        name: "album.bin.superdist",
        webSeeds: [corrupt.url, whole.url],
      });
      const fetched = await fetchCopy({ source: magnet });
      assert.equal(fetched.from, whole.url);
      // The corrupt seed failed at piece 2: the next one was asked for piece 2 on, and sent from byte 0.
      assert.deepEqual(whole.ranges(), [`bytes=${2 * PIECE}-`]);
      assert.deepEqual(Buffer.from(await fetched.blob.arrayBuffer()), packageBytes);
    } finally {
      corrupt.close();
      whole.close();
    }
  });

  test("chunks that straddle pieces give the same bytes, and a body that ends early is LENGTH_MISMATCH", async () => {
    /** A `fetch` whose bodies come in 7,919-byte chunks (a prime: no piece boundary falls on one), the copy's `cut` short. */
    const chunked =
      (cut: number): typeof fetch =>
      async (input, init) => {
        const response = await fetch(input, init);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const end = String(input).endsWith(".torrent") ? bytes.length : Math.max(0, bytes.length - cut);
        let at = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (at >= end) return controller.close();
            controller.enqueue(bytes.slice(at, Math.min(end, at + 7919)));
            at += 7919;
          },
        });
        return new Response(body, { status: response.status, headers: response.headers });
      };
    const magnet = magnetUri({
      infoHash: served.copies[0]?.torrent.infoHash as string,
      name: "album.bin.superdist",
      webSeeds: [served.copies[0]?.url as string],
    });
    const fetched = await fetchCopy({ source: magnet, fetch: chunked(0) });
    assert.deepEqual(Buffer.from(await fetched.blob.arrayBuffer()), packageBytes);
    const error = await rejectsWith(fetchCopy({ source: magnet, fetch: chunked(1000) }), "LENGTH_MISMATCH");
    assert.match(
      String(error.details),
      new RegExp(`ended at byte ${packageBytes.length - 1000} of ${packageBytes.length}`),
    );
  });

  test("a .torrent of another file than the magnet names is refused with INFO_HASH_MISMATCH", async () => {
    const wrong = magnetUri({
      infoHash: "ffffffffffffffffffffffffffffffffffffffff",
      name: "album.bin.superdist",
      webSeeds: [served.copies[0]?.url as string],
    });
    await rejectsWith(
      fetchCopyFile({ source: wrong, output: output("wrong.superdist") }),
      "INFO_HASH_MISMATCH",
    );
    assert.deepEqual(await leftovers(), ["magnet.superdist"]);
  });

  test("a file that is not a package is refused with NOT_A_PACKAGE after its first bytes", async () => {
    let sent = 0;
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-length": 64 * MiB });
      const chunk = Buffer.alloc(64 * KiB, "<html>");
      const pump = () => {
        while (sent < 64 * MiB && response.write(chunk)) sent += chunk.length;
        if (sent < 64 * MiB) response.once("drain", pump);
        else response.end();
      };
      pump();
    });
    const base = await listen(server);
    try {
      await rejectsWith(
        fetchCopyFile({ source: `${base}/page`, output: output("page.superdist") }),
        "NOT_A_PACKAGE",
      );
      assert.ok(sent < 16 * MiB, `the download went on for ${sent} bytes`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    await rejectsWith(fetchCopy({ source: `${served.url}/nothing` }), "FETCH_FAILED");
    await rejectsWith(fetchCopy({ source: "http://127.0.0.1:1/x" }), "FETCH_FAILED");
    await rejectsWith(
      fetchCopy({
        source: magnetUri({ infoHash: "ffffffffffffffffffffffffffffffffffffffff", trackers: [trackerUrl] }),
      }),
      "NO_WEB_SEED",
    );
    assert.deepEqual(await leftovers(), ["magnet.superdist"]);
  });
});
