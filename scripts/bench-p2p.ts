/**
 * bench:p2p — how fast a package travels on loopback, through the dApp's own code (web/src/lib/p2p.ts, bundled into
 * a bare page): between two browser contexts (`seed` in one, `fetchShared` in the other: WebTorrent over WebRTC,
 * found through the local WebSocket tracker), from the CLI's web seed (`superdist share`, its own process) to a
 * browser through `fetchShared` and through the SDK's `fetchCopy` (the dApp's HTTP path), and, as the reference, a
 * plain HTTP download of the same file from the same server in the same run. Then the same transfers of 100 MiB at
 * other piece lengths (WebTorrent set up as the dApp sets it up), for the choice of `choosePieceLength`.
 *
 * Every timer runs inside the page, from the first request to the last verified byte; each figure is the best of
 * a few runs, and each method's result is checked byte for byte (SHA-256) once, untimed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { encryptFile } from "@superdist/package/node";
import { choosePieceLength, createTorrent, magnetUri, parseTorrent } from "@superdist/sdk";
import { build } from "esbuild";
import { type Browser, chromium, type Page } from "playwright-core";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./stack/chromium.ts";
import { startTracker } from "./stack/trackerServer.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MiB = 1024 * 1024;
const KiB = 1024;
const SIZES = [10 * MiB, 100 * MiB];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** `BENCH_PIECES=0` leaves out the comparison of piece lengths (and does not write the report). */
const PIECE_LENGTHS = process.env.BENCH_PIECES === "0" ? [] : [16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB];
const TIMEOUT_MS = 180_000;
const WEB_SEED_REQUESTS_NOTE = "16 piece requests open to a web seed, WebTorrent's default being 4";

type Shared = {
  name: string;
  size: number;
  sha256: string;
  webSeed: string;
  torrentUrl: string;
  infoHash: string;
};

const say = (line: string) => process.stdout.write(`${line}\n`);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** The page both contexts open: WebTorrent's browser bundle and the SDK, nothing else. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>bench:p2p</title>
<script type="module">
import WebTorrent from "/webtorrent.min.js";
import * as app from "/app.js";
window.app = app;
window.newClient = () => new WebTorrent({ dht: false, lsd: false, utp: false, tracker: { rtcConfig: { iceServers: [] } } });
window.hex = (buffers) => buffers.flatMap((buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0"))).join("");
window.sha256 = async (blob) => window.hex([await crypto.subtle.digest("SHA-256", await blob.arrayBuffer())]);
window.ready = true;
</script>`;

/** The dApp's peer-to-peer module and the SDK's fetchCopy, bundled for the page as the dApp's build bundles them. */
async function bundleApp(): Promise<string> {
  const result = await build({
    stdin: {
      contents: `export { fetchCopy } from "@superdist/sdk";
export { closePeerToPeer, fetchShared, seed, WEB_SEED_REQUESTS } from "./web/src/lib/p2p.ts";`,
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

async function startPageServer(torrents: Map<string, Uint8Array>): Promise<{ url: string; close(): void }> {
  const webtorrent = await readFile(join(ROOT, "node_modules/webtorrent/dist/webtorrent.min.js"));
  const app = await bundleApp();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const cors = { "access-control-allow-origin": "*" };
    if (path === "/") response.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    else if (path === "/webtorrent.min.js")
      response.writeHead(200, { "content-type": "text/javascript" }).end(webtorrent);
    else if (path === "/app.js") response.writeHead(200, { "content-type": "text/javascript" }).end(app);
    else if (torrents.has(path))
      response
        .writeHead(200, { ...cors, "content-type": "application/x-bittorrent" })
        .end(torrents.get(path));
    else response.writeHead(404, cors).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function startShare(
  packages: string[],
  trackerUrl: string,
): Promise<{ child: ChildProcess; copies: Shared[]; magnets: Map<string, string> }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "packages/cli/bin/superdist.ts"), "share", ...packages, "--tracker", trackerUrl, "--json"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [
    string,
  ];
  const ready = JSON.parse(line) as {
    copies: { name: string; webSeed: string; torrentUrl: string; infoHash: string; magnet: string }[];
  };
  const magnets = new Map(ready.copies.map((copy) => [copy.name, copy.magnet]));
  const copies: Shared[] = [];
  for (const [index, copy] of ready.copies.entries()) {
    const bytes = await readFile(packages[index] as string);
    copies.push({ ...copy, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  }
  return { child, copies, magnets };
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (error) => say(`  page error: ${error.message}`));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}

type Timed = { ms: number; sha256?: string };

/** What PAGE puts on \`window\` for the timed functions, beside the app. */
type PageHelpers = { hex(buffers: ArrayBuffer[]): string };

/** The best of `RUNS`; the last run's bytes are hashed, outside its timer. */
async function best(
  label: string,
  run: (check: boolean) => Promise<Timed>,
  expected: string,
): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const check = i === RUNS - 1;
    const { ms, sha256 } = await run(check);
    if (check && sha256 !== expected)
      throw new Error(`${label}: the bytes differ (${sha256} != ${expected})`);
    fastest = Math.min(fastest, ms);
  }
  say(`  ${label}: ${fastest.toFixed(0)} ms`);
  return fastest;
}

function plainHttp(page: Page, url: string, check: boolean): Promise<Timed> {
  return page.evaluate(
    async ({ url, check }) => {
      const started = performance.now();
      const response = await fetch(url, { cache: "no-store" });
      const blob = await response.blob();
      const ms = performance.now() - started;
      const w = window as unknown as { sha256(blob: Blob): Promise<string> };
      return { ms, sha256: check ? await w.sha256(blob) : undefined };
    },
    { url, check },
  );
}

/**
 * The plain download again, its body read chunk by chunk in JavaScript: what any transfer pays to see its bytes (for
 * a progress bar, for hashing) instead of leaving them to the browser's \`blob()\`. With \`keep\`, the bytes are kept
 * as \`fetchCopy\` keeps them: copied into pieces of \`pieceLength\`, gathered into Blobs of 16 MiB. Without, they are
 * dropped (the check run keeps the chunks, to hash them).
 */
function readInPage(
  page: Page,
  url: string,
  pieceLength: number,
  keep: boolean,
  check: boolean,
): Promise<Timed> {
  return page.evaluate(
    async ({ url, pieceLength, keep, check, batchBytes }) => {
      const started = performance.now();
      const reader = (await fetch(url, { cache: "no-store" })).body?.getReader();
      if (!reader) throw new Error("no body");
      const dropped: Uint8Array[] = [];
      const parts: Blob[] = [];
      let batch: Uint8Array[] = [];
      let batched = 0;
      let piece = new Uint8Array(pieceLength);
      let filled = 0;
      const flush = () => {
        parts.push(new Blob(batch as BlobPart[]));
        batch = [];
        batched = 0;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!keep) {
          if (check) dropped.push(value);
          continue;
        }
        for (let at = 0; at < value.length; ) {
          const take = Math.min(piece.length - filled, value.length - at);
          piece.set(value.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled < piece.length) continue;
          batch.push(piece);
          batched += piece.length;
          if (batched >= batchBytes) flush();
          piece = new Uint8Array(pieceLength);
          filled = 0;
        }
      }
      if (filled > 0) batch.push(piece.subarray(0, filled));
      if (batch.length > 0) flush();
      const kept = keep ? new Blob(parts) : undefined;
      const ms = performance.now() - started;
      const w = window as unknown as { sha256(blob: Blob): Promise<string> };
      const sha256 = check ? await w.sha256(kept ?? new Blob(dropped as BlobPart[])) : undefined;
      return { ms, sha256 };
    },
    { url, pieceLength, keep, check, batchBytes: 16 * MiB },
  );
}

/**
 * WebCrypto's SHA-1 of every piece of the file, one after another, already in memory (fetched untimed): the hashing
 * a checked copy cannot skip. Resolves to the time and the piece hashes, to be checked against the torrent.
 */
function sha1InPage(page: Page, url: string, pieceLength: number): Promise<{ ms: number; pieces: string }> {
  return page.evaluate(
    async ({ url, pieceLength }) => {
      const bytes = new Uint8Array(await (await fetch(url, { cache: "no-store" })).arrayBuffer());
      const started = performance.now();
      const hashes: ArrayBuffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += pieceLength)
        hashes.push(await crypto.subtle.digest("SHA-1", bytes.subarray(offset, offset + pieceLength)));
      const ms = performance.now() - started;
      return { ms, pieces: (window as unknown as PageHelpers).hex(hashes) };
    },
    { url, pieceLength },
  );
}

/**
 * The other way to a checked copy: the browser fills a Blob (\`blob()\`, as the plain download), which is then read
 * back and hashed piece by piece. Nothing is seen while the bytes arrive, so there could be no progress bar.
 */
function blobThenHashInPage(
  page: Page,
  url: string,
  pieceLength: number,
): Promise<{ ms: number; pieces: string }> {
  return page.evaluate(
    async ({ url, pieceLength }) => {
      const started = performance.now();
      const blob = await (await fetch(url, { cache: "no-store" })).blob();
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const pending: Promise<ArrayBuffer>[] = [];
      for (let offset = 0; offset < bytes.length; offset += pieceLength)
        pending.push(crypto.subtle.digest("SHA-1", bytes.subarray(offset, offset + pieceLength)));
      const hashes = await Promise.all(pending);
      const ms = performance.now() - started;
      return { ms, pieces: (window as unknown as PageHelpers).hex(hashes) };
    },
    { url, pieceLength },
  );
}

function fetchCopyInPage(page: Page, magnet: string, check: boolean): Promise<Timed> {
  return page.evaluate(
    async ({ magnet, check }) => {
      const w = window as unknown as {
        app: App;
        sha256(blob: Blob): Promise<string>;
      };
      const started = performance.now();
      const { blob } = await w.app.fetchCopy({ source: magnet });
      const ms = performance.now() - started;
      return { ms, sha256: check ? await w.sha256(blob) : undefined };
    },
    { magnet, check },
  );
}

type App = {
  fetchCopy(parameters: { source: string }): Promise<{ blob: Blob }>;
  fetchShared(
    magnet: string,
    settings: { trackerUrl: string | null; iceServers: string[] },
    onProgress: () => void,
    options: { onSource(source: string): void },
  ): Promise<File>;
  seed(
    blob: Blob,
    name: string,
    settings: { trackerUrl: string; iceServers: string[] },
  ): Promise<{ infoHash: string }>;
  WEB_SEED_REQUESTS: number;
  closePeerToPeer(): Promise<void>;
};

/** The dApp's `fetchShared`; then, untimed, the page's WebTorrent client is closed, so the next run starts afresh. */
async function fetchSharedInPage(
  page: Page,
  magnet: string,
  trackerUrl: string | null,
  check: boolean,
): Promise<Timed> {
  const result = await page.evaluate(
    async ({ magnet, trackerUrl, check }) => {
      const w = window as unknown as { app: App; sha256(blob: Blob): Promise<string> };
      const sources: string[] = [];
      const started = performance.now();
      const file = await w.app.fetchShared(magnet, { trackerUrl, iceServers: [] }, () => {}, {
        onSource: (source) => sources.push(source),
      });
      const ms = performance.now() - started;
      const sha256 = check ? await w.sha256(file) : undefined;
      await w.app.closePeerToPeer();
      return { ms, sources, sha256 };
    },
    { magnet, trackerUrl, check },
  );
  // The HTTP fallback would take over after a stall: then this is not WebTorrent's figure.
  if (result.sources.join() !== "webtorrent") throw new Error(`fetchShared went through ${result.sources}`);
  return result;
}

/**
 * What every browser-to-browser transfer waits for before its first byte: an offer with its ICE candidates gathered,
 * as the tracker client makes one (no trickle), the answer, and the data channel opening, between two connections of
 * one page.
 */
function webRtcSetup(page: Page): Promise<Timed & { offer: number }> {
  return page.evaluate(async () => {
    const gathered = (pc: RTCPeerConnection) =>
      new Promise<void>((resolve) => {
        if (pc.iceGatheringState === "complete") return resolve();
        pc.addEventListener("icegatheringstatechange", () => {
          if (pc.iceGatheringState === "complete") resolve();
        });
      });
    const started = performance.now();
    const offerer = new RTCPeerConnection({ iceServers: [] });
    const answerer = new RTCPeerConnection({ iceServers: [] });
    const channel = offerer.createDataChannel("bench");
    const open = new Promise((resolve) => {
      channel.onopen = resolve;
    });
    await offerer.setLocalDescription(await offerer.createOffer());
    await gathered(offerer);
    const offer = performance.now() - started;
    await answerer.setRemoteDescription(offerer.localDescription as RTCSessionDescription);
    await answerer.setLocalDescription(await answerer.createAnswer());
    await gathered(answerer);
    await offerer.setRemoteDescription(answerer.localDescription as RTCSessionDescription);
    await open;
    const ms = performance.now() - started;
    offerer.close();
    answerer.close();
    return { ms, offer };
  });
}

/** The dApp's `seed` of the file, fetched untimed; resolves to its info hash. */
async function appSeedInPage(page: Page, copy: Shared, trackerUrl: string): Promise<string> {
  return page.evaluate(
    async ({ url, name, trackerUrl }) => {
      const w = window as unknown as { app: App };
      const blob = await (await fetch(url)).blob();
      return (await w.app.seed(blob, name, { trackerUrl, iceServers: [] })).infoHash;
    },
    { url: copy.webSeed, name: copy.name, trackerUrl },
  );
}

/**
 * A fresh WebTorrent client, set up as the dApp sets it up, adds the magnet and is timed until the torrent is done;
 * then it is destroyed. For the piece lengths the dApp would not choose.
 */
function webTorrentInPage(page: Page, magnet: string, check: boolean): Promise<Timed> {
  return page.evaluate(
    async ({ magnet, check, timeoutMs }) => {
      type Torrent = {
        on(event: string, listener: (error?: unknown) => void): void;
        files: { blob(): Promise<Blob> }[];
      };
      const w = window as unknown as {
        newClient(): { add(m: string, o: object): Torrent; destroy(cb: () => void): void };
        sha256(blob: Blob): Promise<string>;
        app: App;
      };
      const client = w.newClient();
      const started = performance.now();
      const torrent = client.add(magnet, { announce: [], maxWebConns: w.app.WEB_SEED_REQUESTS });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
        torrent.on("done", () => {
          clearTimeout(timer);
          resolve();
        });
        torrent.on("error", (error) => reject(new Error(String(error))));
      });
      const ms = performance.now() - started;
      const sha256 = check
        ? await w.sha256(await (torrent.files[0] as { blob(): Promise<Blob> }).blob())
        : undefined;
      await new Promise<void>((resolve) => client.destroy(() => resolve()));
      return { ms, sha256 };
    },
    { magnet, check, timeoutMs: TIMEOUT_MS },
  );
}

/** Context A fetches the file (untimed) and seeds it with WebTorrent at `pieceLength`; resolves to its info hash. */
function seedInPage(page: Page, copy: Shared, pieceLength: number, trackerUrl: string): Promise<string> {
  return page.evaluate(
    async ({ url, name, pieceLength, trackerUrl }) => {
      const blob = await (await fetch(url)).blob();
      const w = window as unknown as {
        newClient(): { seed(f: File, o: object, cb: (t: { infoHash: string }) => void): void };
        seeders?: unknown[];
      };
      const client = w.newClient();
      w.seeders = [...(w.seeders ?? []), client];
      return new Promise<string>((resolve) =>
        client.seed(new File([blob], name), { name, pieceLength, announce: [trackerUrl] }, (t) =>
          resolve(t.infoHash),
        ),
      );
    },
    { url: copy.webSeed, name: copy.name, pieceLength, trackerUrl },
  );
}

function stopSeeding(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const w = window as unknown as { seeders?: { destroy(cb: () => void): void }[] };
    await Promise.all(
      (w.seeders ?? []).map((c) => new Promise<void>((resolve) => c.destroy(() => resolve()))),
    );
    w.seeders = [];
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "superdist-bench-p2p-"));
  const loadBefore = loadavg()[0] ?? 0;
  const cleanup: (() => Promise<void> | void)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    say("bench:p2p — writing packages…");
    const identity = await identityToRecipient(await generateX25519Identity());
    const verifier = await identityToRecipient(await generateX25519Identity());
    const packages: string[] = [];
    for (const size of SIZES) {
      const plaintext = join(dir, `bench-${size / MiB}MiB.bin`);
      await writeFile(plaintext, randomBytes(size));
      const path = `${plaintext}.superdist`;
      await encryptFile(plaintext, path, {
        holderRecipients: [identity],
        verifierRecipient: verifier,
        lineage: {
          chainId: 31337n,
          market: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
          contentId: 1n,
          holderTokenId: 0n,
        },
      });
      packages.push(path);
    }

    const tracker = await startTracker();
    cleanup.push(() => tracker.close());
    const trackerUrl = tracker.url;

    const share = await startShare(packages, trackerUrl);
    cleanup.push(async () => {
      const exited = once(share.child, "exit");
      share.child.kill("SIGINT");
      await exited;
    });

    // Torrents of the 100 MiB package at other piece lengths, served beside the page; the web seed is the same.
    const large = share.copies.at(-1) as Shared;
    const torrents = new Map<string, Uint8Array>();
    const variants = new Map<number, string>();
    const largeBytes = await readFile(packages.at(-1) as string);
    for (const pieceLength of PIECE_LENGTHS) {
      const torrent = await createTorrent(new Blob([largeBytes]), { name: large.name, pieceLength });
      torrents.set(`/pieces-${pieceLength}.torrent`, torrent.torrentFile);
      variants.set(pieceLength, torrent.infoHash);
    }
    const pages = await startPageServer(torrents);
    cleanup.push(() => pages.close());

    const browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    cleanup.push(() => browser.close());
    const seeder = await openPage(browser, pages.url);
    const fetcher = await openPage(browser, pages.url);

    let setup = { ms: Number.POSITIVE_INFINITY, offer: Number.POSITIVE_INFINITY };
    for (let run = 0; run < RUNS; run++) {
      const measured = await webRtcSetup(fetcher);
      if (measured.ms < setup.ms) setup = measured;
    }
    say(
      `WebRTC connection between two peers of one page: ${setup.ms.toFixed(0)} ms (offer ${setup.offer.toFixed(0)} ms)`,
    );

    const rows: (string | number)[][] = [];
    const summary: {
      size: number;
      http: number;
      read: number;
      readKept: number;
      sha1: number;
      blobThenHash: number;
      peers: number;
      seedWebTorrent: number;
      seedFetchCopy: number;
    }[] = [];
    for (const copy of share.copies) {
      say(
        `${copy.name} (${(copy.size / MiB).toFixed(2)} MiB, piece length ${choosePieceLength(copy.size) / KiB} KiB):`,
      );
      const http = await best("plain HTTP", (check) => plainHttp(fetcher, copy.webSeed, check), copy.sha256);
      const { info } = parseTorrent(new Uint8Array(await (await fetch(copy.torrentUrl)).arrayBuffer()));
      const read = await best(
        "plain HTTP read in JavaScript",
        (check) => readInPage(fetcher, copy.webSeed, info.pieceLength, false, check),
        copy.sha256,
      );
      const readKept = await best(
        "plain HTTP read in JavaScript, kept in pieces and Blobs",
        (check) => readInPage(fetcher, copy.webSeed, info.pieceLength, true, check),
        copy.sha256,
      );
      const hashedBest = async (label: string, hash: typeof sha1InPage) => {
        let fastest = Number.POSITIVE_INFINITY;
        for (let run = 0; run < RUNS; run++) {
          const hashed = await hash(fetcher, copy.webSeed, info.pieceLength);
          if (hashed.pieces !== Buffer.from(info.pieces).toString("hex"))
            throw new Error(`${label}: the piece hashes are not the torrent's`);
          fastest = Math.min(fastest, hashed.ms);
        }
        say(`  ${label}: ${fastest.toFixed(0)} ms`);
        return fastest;
      };
      const sha1 = await hashedBest("SHA-1 of every piece", sha1InPage);
      const blobThenHash = await hashedBest("blob(), then SHA-1 of every piece", blobThenHashInPage);
      // The magnet `superdist share` printed (the one publishing records): its tracker, web seed and .torrent.
      const shareMagnet = share.magnets.get(copy.name) as string;
      const seedWebTorrent = await best(
        "web seed → browser, fetchShared (WebTorrent)",
        (check) => fetchSharedInPage(fetcher, shareMagnet, null, check),
        copy.sha256,
      );
      const seedFetchCopy = await best(
        "web seed → browser, fetchCopy",
        (check) => fetchCopyInPage(fetcher, shareMagnet, check),
        copy.sha256,
      );
      const infoHash = await appSeedInPage(seeder, copy, trackerUrl);
      if (infoHash !== copy.infoHash) throw new Error("the browser's torrent is not the CLI's");
      const peerMagnet = magnetUri({ infoHash, name: copy.name, trackers: [trackerUrl] });
      const peers = await best(
        "browser → browser, fetchShared (WebRTC)",
        (check) => fetchSharedInPage(fetcher, peerMagnet, trackerUrl, check),
        copy.sha256,
      );
      await seeder.evaluate(() => (window as unknown as { app: App }).app.closePeerToPeer());
      summary.push({
        size: copy.size,
        http,
        read,
        readKept,
        sha1,
        blobThenHash,
        peers,
        seedWebTorrent,
        seedFetchCopy,
      });
      const row = (method: string, ms: number, target?: number) => {
        const ratio = http / ms;
        rows.push([
          `${Math.round(copy.size / MiB)} MiB`,
          method,
          (ms / 1000).toFixed(2),
          mbps(copy.size, ms).toFixed(0),
          `${(ratio * 100).toFixed(0)} %`,
          target === undefined ? "" : `≥ ${target * 100} % ${ratio >= target ? "✓" : "✗"}`,
        ]);
      };
      row("plain HTTP (reference)", http);
      row("plain HTTP, read in JavaScript, nothing kept (reference)", read);
      row("plain HTTP, read in JavaScript and kept as `fetchCopy` keeps it, unhashed (reference)", readKept);
      rows.push([
        `${Math.round(copy.size / MiB)} MiB`,
        "SHA-1 of every piece, WebCrypto, from memory (reference: no transfer)",
        (sha1 / 1000).toFixed(2),
        mbps(copy.size, sha1).toFixed(0),
        `${((sha1 / http) * 100).toFixed(0)} % of its time`,
        "",
      ]);
      row(
        "`blob()`, then SHA-1 of every piece: checked, but no progress while it arrives (reference)",
        blobThenHash,
      );
      row("browser → browser (`seed` → `fetchShared`: WebTorrent, WebRTC via the tracker)", peers, 0.25);
      row("web seed → browser (`fetchShared`: WebTorrent)", seedWebTorrent, 0.5);
      row("web seed → browser (SDK `fetchCopy`: the dApp's HTTP path)", seedFetchCopy, 0.5);
    }

    say("piece lengths, 100 MiB:");
    const pieceRows: (string | number)[][] = [];
    for (const pieceLength of PIECE_LENGTHS) {
      const infoHash = variants.get(pieceLength) as string;
      const seedMagnet = magnetUri({
        infoHash,
        name: large.name,
        webSeeds: [large.webSeed],
        torrentUrls: [`${pages.url}/pieces-${pieceLength}.torrent`],
      });
      const seedMs = await best(
        `web seed, ${pieceLength / KiB} KiB`,
        (check) => webTorrentInPage(fetcher, seedMagnet, check),
        large.sha256,
      );
      const seeded = await seedInPage(seeder, large, pieceLength, trackerUrl);
      if (seeded !== infoHash) throw new Error("the browser's torrent is not ours");
      const peerMs = await best(
        `browser → browser, ${pieceLength / KiB} KiB`,
        (check) =>
          webTorrentInPage(fetcher, magnetUri({ infoHash, name: large.name, trackers: [trackerUrl] }), check),
        large.sha256,
      );
      await stopSeeding(seeder);
      const pieces = Math.ceil(large.size / pieceLength);
      pieceRows.push([
        pieceLength >= MiB ? `${pieceLength / MiB} MiB` : `${pieceLength / KiB} KiB`,
        pieces,
        `${((pieces * 20) / KiB).toFixed(1)} KiB`,
        mbps(large.size, seedMs).toFixed(0),
        mbps(large.size, peerMs).toFixed(0),
        pieceLength === choosePieceLength(large.size) ? "chosen" : "",
      ]);
    }

    const loadAfter = loadavg()[0] ?? 0;
    const cpu = cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
    type Entry = (typeof summary)[number];
    /** A figure for each size, "10 MiB's and 100 MiB's". */
    const percents = (figure: (entry: Entry) => number) =>
      summary.map((entry) => `${figure(entry).toFixed(0)} %`).join(" and ");
    /** The range of a row's MB/s over the sizes. */
    const rates = (ms: (entry: Entry) => number) => {
      const all = summary.map((entry) => mbps(entry.size, ms(entry)));
      return `${Math.min(...all).toFixed(0)}–${Math.max(...all).toFixed(0)}`;
    };
    const sizes = summary.map((entry) => `${Math.round(entry.size / MiB)} MiB`);
    const body = `## Delivery: peer to peer and web seeds

\`npm run bench:p2p\`: Chromium ${browser.version()} (headless, two contexts of one browser), Node ${process.version},
on loopback. ${cpus().length} × ${cpu}, shared with the tracker, the web seed and the browser; 1-minute load average
${loadBefore.toFixed(1)} at the start and ${loadAfter.toFixed(1)} at the end. MB/s = 10^6 bytes per second; the best
of ${RUNS} runs, each timed inside the page from the first request to the last verified byte, and each method's bytes
checked against the package's SHA-256 once. The code is the dApp's own (\`seed\` and \`fetchShared\` of
web/src/lib/p2p.ts, the SDK's \`fetchCopy\`), bundled into a bare page. The web seed is \`superdist share\`, its own
process, and the magnet is the one it prints; the plain HTTP download is of the same file from the same server.
Browser to browser, a new WebTorrent client finds the seeding context through the WebSocket tracker and downloads
over a WebRTC data channel; its time includes the announce and the connection. \`fetchShared\`'s times run until it
hands over the File, as the dApp uses it; between runs the page's client is closed (\`closePeerToPeer\`), untimed.

${markdownTable(["size", "transfer", "seconds", "MB/s", "of plain HTTP", "target"], rows)}

What bounds each row. A plain download on loopback is the browser's network stack alone, ${rates((entry) => entry.http)}
MB/s here; every other row also runs JavaScript per piece or per 16 KiB block (SHA-1, WebTorrent's bookkeeping,
copies), on ${cpus().length} cores shared with the server, the tracker and the other context.
- **Browser to browser, ${sizes[0]}:** the connection, before the first byte. A WebRTC connection between two peers of
  one page, measured in the same run, took ${setup.ms.toFixed(0)} ms, ${setup.offer.toFixed(0)} ms of it gathering
  the offer's ICE candidates (the tracker client sends offers whole, not trickled); the tracker's two relays and
  WebTorrent's handshake and metadata exchange come on top. That connection alone is
  ${summary.map((entry) => `${((setup.ms / entry.peers) * 100).toFixed(0)} % of the ${Math.round(entry.size / MiB)} MiB transfer's time`).join(" and ")}.
- **\`fetchShared\`:** a copy fetched through WebTorrent is handed over as a File made of its stored pieces (one
  origin-private file each in Chromium), not read back. WebTorrent's own \`file.blob()\`, used before, read every
  piece into one buffer and copied it into a Blob, which took about as long as the download itself (24 % of plain
  HTTP at 100 MiB from the web seed, 22 % between browsers). Pieces kept in memory instead, in a chunk store of our
  own, made WebTorrent five to ten times slower, whether they were kept as arrays or as Blobs.
- **\`fetchCopy\`:** one response, each piece hashed (WebCrypto SHA-1) while the next arrives, and what arrives
  gathered into Blobs of 16 MiB: a Blob per 1 MiB piece cost four times as long. Parallel range requests of one piece
  each were tried and were slower than that one stream.
- **Web seed to browser, both paths:** a copy checked against its torrent, with a progress bar, has to see its bytes
  in JavaScript, hash them and keep them; a plain download leaves its bytes to the browser. The references above
  time these apart (${sizes.join(" and ")}): reading the plain download's body in JavaScript, keeping nothing,
  reached ${percents((entry) => (entry.http / entry.read) * 100)} of plain HTTP; reading it and keeping it as
  \`fetchCopy\` does (1 MiB pieces, gathered into Blobs of 16 MiB), ${percents((entry) => (entry.http / entry.readKept) * 100)};
  and WebCrypto's SHA-1 of every piece, one after another from memory, took
  ${percents((entry) => (entry.sha1 / entry.http) * 100)} of the plain download's time. Reading, keeping and hashing,
  timed apart, add up to ${percents((entry) => (entry.http / (entry.readKept + entry.sha1)) * 100)} of plain HTTP;
  \`fetchCopy\`, doing them at once, reached ${percents((entry) => (entry.http / entry.seedFetchCopy) * 100)}, and
  WebTorrent, keeping its pieces in origin-private files, ${percents((entry) => (entry.http / entry.seedWebTorrent) * 100)}:
  what hashing beside the transfer gains is what separates the sum from these, on cores the server and Chromium's
  network process also need. Leaving the bytes to \`blob()\` and hashing them afterwards reached
  ${percents((entry) => (entry.http / entry.blobThenHash) * 100)}, but shows nothing while the bytes arrive: over a
  real link, a long wait without a progress bar. These are figures of CPU, not of the web seed: a link slower than
  the rate a path reaches here (${rates((entry) => entry.seedFetchCopy)} MB/s for \`fetchCopy\`) leaves it waiting
  on the link, not on its JavaScript.

Piece length (\`choosePieceLength\`): at least 1 MiB, and larger only to keep a torrent at or under 1,024 pieces
(16 MiB at most); a package smaller than a piece is one piece. The same 100 MiB package at other piece lengths,
WebTorrent set up as the dApp sets it up (${WEB_SEED_REQUESTS_NOTE}), timed to WebTorrent's \`done\`:

${markdownTable(["piece length", "pieces", "piece hashes in the .torrent", "web seed → browser MB/s", "browser → browser MB/s", ""], pieceRows)}

Why 1 MiB: WebTorrent asks a web seed for one whole piece per HTTP request, a few at a time, so small pieces cost a
round trip each (create-torrent, which WebTorrent seeds with by default, would cut 100 MiB into 128 KiB pieces and
10 MiB into 16 KiB ones: the first rows). Larger pieces are faster still on loopback, where nothing but round trips
costs; over real links they cost what loopback does not show: a peer passes nothing on before it holds a whole
verified piece, a web seed or peer serves one piece per request, so a 10 MiB package in 4 MiB pieces could come from
three sources at most, and a damaged piece costs its whole length again. 1 MiB keeps a 10 MiB package at ten pieces
and a 1 GiB one at 1,024 (a 20 KiB \`.torrent\`).
`;
    if (PIECE_LENGTHS.length > 0) {
      await writeBenchmarkSection("p2p", body);
      say("\nwritten to docs/benchmarks.md");
    }
    for (const entry of summary) {
      say(
        `${Math.round(entry.size / MiB)} MiB: browser→browser ${((entry.http / entry.peers) * 100).toFixed(0)} %, web seed (WebTorrent) ${((entry.http / entry.seedWebTorrent) * 100).toFixed(0)} %, web seed (fetchCopy) ${((entry.http / entry.seedFetchCopy) * 100).toFixed(0)} % of plain HTTP`,
      );
    }
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

await main();
