/**
 * bench:browser — package encryption and decryption in headless Chromium, through the dApp's own worker
 * (web/src/workers/package.worker.ts and web/src/lib/packageWorker.ts, bundled into a bare page), with the
 * WebAssembly cipher it loads and, as the reference in the same run, the same worker built with the portable
 * cipher it used before. Then the ChaCha20-Poly1305 candidates alone, in one worker and in two at once (STREAM
 * chunks are independent, so workers could share a payload), for the choice.
 *
 * Timers run inside the page, around `encryptInWorker` / `decryptInWorker` (the plaintext is a Blob fetched
 * from this script's server first, as a dropped file would be); each figure is the best of a few runs. The
 * first package and its plaintext are sent back, untimed, and checked here: the Node package and `age -d`
 * must open the browser's package to the same bytes.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { decryptFile } from "@superdist/package/node";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./stack/chromium.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MiB = 1 << 20;
const SIZE = Number(process.env.BENCH_MIB ?? 256) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MBPS = 250;
/** Cipher-only candidates: this many 64 KiB chunks per worker. */
const CANDIDATE_CHUNKS = 2048;

const say = (line: string) => process.stdout.write(`${line}\n`);
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function bundle(contents: string, alias: Record<string, string> = {}): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts" },
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
    alias,
  });
  return result.outputFiles[0]?.text ?? "";
}

/** The page's side: the dApp's worker client, and the candidates' worker started as many times as asked. */
const PAGE_MODULE = `export { decryptInWorker, encryptInWorker } from "./web/src/lib/packageWorker.ts";
export async function candidates(name, workers, chunks) {
  const runs = Array.from({ length: workers }, () => new Promise((resolve, reject) => {
    const worker = new Worker("/candidate.js", { type: "module" });
    worker.onmessage = (event) => { worker.terminate(); resolve(event.data); };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ name, chunks });
  }));
  const started = performance.now();
  const results = await Promise.all(runs);
  return { ms: performance.now() - started, results };
}`;

/** One candidate ChaCha20-Poly1305 sealing 64 KiB chunks, timed after a warm-up, in a worker of its own. */
const CANDIDATE_WORKER = `import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { loadWasmCipher } from "@superdist/package/wasm";
self.onmessage = async ({ data: { name, chunks } }) => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const nonce = new Uint8Array(12);
  const plaintext = crypto.getRandomValues(new Uint8Array(65536));
  const out = new Uint8Array(65536 + 16);
  if (name === "webcrypto") {
    const outcome = await crypto.subtle.importKey("raw", key, "ChaCha20-Poly1305", false, ["encrypt"]).then(() => "supported", (error) => error.name);
    self.postMessage({ outcome });
    return;
  }
  const wasmAead = name === "wasm" ? (await loadWasmCipher())(key) : undefined;
  const seal = wasmAead ? () => wasmAead.seal(nonce, plaintext, out) : () => chacha20poly1305(key, nonce).encrypt(plaintext, out);
  for (let i = 0; i < 64; i++) seal();
  const started = performance.now();
  for (let i = 0; i < chunks; i++) seal();
  self.postMessage({ ms: performance.now() - started });
};`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench:browser</title>
<script type="module">
for (const variant of ["wasm", "portable"]) window[variant] = await import("/" + variant + "/lib/app.js");
window.ready = true;
</script>`;

/** Chromium's renderer processes among this process's descendants: the page and its workers run in them. */
async function rendererPids(): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name may hold spaces and parentheses; the parent id is the second field after it.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid > 0) parents.set(Number(entry), ppid);
  }
  const descends = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined; at = parents.get(at))
      if (at === process.pid) return true;
    return false;
  };
  const renderers: number[] = [];
  for (const pid of parents.keys()) {
    if (!descends(pid)) continue;
    const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (command.includes("--type=renderer")) renderers.push(pid);
  }
  return renderers;
}

/** Samples the largest renderer's RSS every 20 ms while `work` runs; returns its result and the peak in KiB. */
async function withPeakRendererRss<T>(work: () => Promise<T>): Promise<{ result: T; peakKiB: number }> {
  let peakKiB = 0;
  let sampling = true;
  const sample = async () => {
    while (sampling) {
      for (const pid of await rendererPids()) {
        const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
        peakKiB = Math.max(peakKiB, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const sampler = sample();
  try {
    return { result: await work(), peakKiB };
  } finally {
    sampling = false;
    await sampler;
  }
}

async function receive(request: IncomingMessage, path: string): Promise<void> {
  await pipeline(request, createWriteStream(path));
}

async function sha256File(path: string, size?: number): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path, size === undefined ? {} : { end: size - 1 }), hash);
  return hash.digest("hex");
}

async function bench(dir: string): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const pageModule = await bundle(PAGE_MODULE);
  // The worker as it was: without the WebAssembly cipher, the package falls back to the portable one.
  await writeFile(join(dir, "no-wasm.ts"), "export async function loadWasmCipher() { return undefined; }\n");
  const workers = {
    wasm: await bundle(`import "./web/src/workers/package.worker.ts";`),
    portable: await bundle(`import "./web/src/workers/package.worker.ts";`, {
      "@superdist/package/wasm": join(dir, "no-wasm.ts"),
    }),
  };
  const candidateWorker = await bundle(CANDIDATE_WORKER);

  const plain = join(dir, "plain");
  const handle = await open(plain, "w");
  for (let written = 0; written < 2 * SIZE; written += MiB) await handle.write(randomBytes(MiB));
  await handle.close();

  const received = new Map<string, string>();
  const server = createServer((request, response) => {
    const url = request.url ?? "/";
    const js = (body: string) => {
      response.setHeader("content-type", "text/javascript");
      response.end(body);
    };
    if (request.method === "POST") {
      const path = join(dir, `received-${url.slice(1)}`);
      receive(request, path).then(
        () => {
          received.set(url.slice(1), path);
          response.end("ok");
        },
        () => response.writeHead(500).end(),
      );
      return;
    }
    if (url === "/") {
      response.setHeader("content-type", "text/html");
      response.end(PAGE);
    } else if (url.startsWith("/plain/")) {
      createReadStream(plain, { end: Number(url.slice("/plain/".length)) - 1 }).pipe(response);
    } else if (url === "/candidate.js") js(candidateWorker);
    else if (/^\/(wasm|portable)\/lib\/app\.js$/.test(url)) js(pageModule);
    else if (url === "/wasm/workers/package.worker.ts") js(workers.wasm);
    else if (url === "/portable/workers/package.worker.ts") js(workers.portable);
    else response.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const holder = await generateX25519Identity();
  const parameters = {
    holderRecipients: [await identityToRecipient(holder)],
    verifierRecipient: await identityToRecipient(await generateX25519Identity()),
    lineage: { chainId: "31337", market: "0x5fbdb2315678afecb367f032d93f642f64180aa3", contentId: "1" },
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const version = browser.version();
    // A browser context of its own for every run, so a fresh renderer process whose peak RSS is this run's:
    // Blobs also live only as long as their context, and all runs' Blobs together (over 2 GB) would make
    // Chromium page them to disk, which is slower and failed reads here.
    const newPage = async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      return { page, close: () => context.close() };
    };
    const measure = async (variant: "wasm" | "portable", size: number, check: boolean) => {
      const { page, close } = await newPage();
      try {
        const { result, peakKiB } = await withPeakRendererRss(() =>
          page.evaluate(
            async ({ variant, size, parameters, holder, check }) => {
              type Api = {
                encryptInWorker(file: Blob, p: unknown): Promise<{ blob: Blob }>;
                decryptInWorker(file: Blob, identities: string[]): Promise<Blob>;
              };
              const api = (window as unknown as Record<string, Api>)[variant] as Api;
              const lineage = {
                chainId: BigInt(parameters.lineage.chainId),
                market: parameters.lineage.market,
                contentId: BigInt(parameters.lineage.contentId),
                holderTokenId: 0n,
              };
              // Untimed: a worker's first request compiles the WebAssembly cipher and warms up the JIT.
              const warm = await api.encryptInWorker(new Blob([new Uint8Array(1 << 20)]), {
                ...parameters,
                lineage,
              });
              await api.decryptInWorker(warm.blob, [holder]);
              const response = await fetch(`/plain/${size}`);
              const plain = await response.blob();
              if (plain.size !== size) throw new Error(`fetched ${plain.size} bytes of ${size}`);
              let started = performance.now();
              const sealed = await api.encryptInWorker(plain, { ...parameters, lineage });
              const encryptMs = performance.now() - started;
              started = performance.now();
              const opened = await api.decryptInWorker(sealed.blob, [holder]);
              const decryptMs = performance.now() - started;
              if (check) {
                await fetch("/package", { method: "POST", body: sealed.blob });
                await fetch("/opened", { method: "POST", body: opened });
              }
              return { encryptMs, decryptMs };
            },
            { variant, size, parameters, holder, check },
          ),
        );
        say(
          `${variant} ${size / MiB} MiB: encrypt ${result.encryptMs.toFixed(0)} ms, decrypt ${result.decryptMs.toFixed(0)} ms, renderer peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`,
        );
        return { ...result, peakKiB };
      } finally {
        await close();
      }
    };
    const timings: Record<string, { encrypt: number[]; decrypt: number[]; peakKiB: number[] }> = {};
    for (let run = 0; run < RUNS; run++) {
      for (const variant of ["wasm", "portable"] as const) {
        const { encryptMs, decryptMs, peakKiB } = await measure(variant, SIZE, false);
        timings[variant] ??= { encrypt: [], decrypt: [], peakKiB: [] };
        timings[variant].encrypt.push(encryptMs);
        timings[variant].decrypt.push(decryptMs);
        timings[variant].peakKiB.push(peakKiB);
      }
    }
    // Twice the size, once: memory that grew with the file would show as the difference.
    const doublePeakKiB = (await measure("wasm", 2 * SIZE, false)).peakKiB;
    // Untimed, and left out of the figures: one more run that sends its package and plaintext back.
    await measure("wasm", SIZE, true);

    // The browser's package, opened by the Node package (OpenSSL) and by age, and the browser's own plaintext.
    const expected = await sha256File(plain, SIZE);
    const pkg = received.get("package") ?? "";
    await decryptFile(pkg, join(dir, "by-node"), [holder]);
    await writeFile(join(dir, "identity.txt"), `${holder}\n`, { mode: 0o600 });
    execFileSync("age", ["-d", "-i", join(dir, "identity.txt"), "-o", join(dir, "by-age"), pkg]);
    const checks = {
      node: (await sha256File(join(dir, "by-node"))) === expected,
      age: (await sha256File(join(dir, "by-age"))) === expected,
      browser: (await sha256File(received.get("opened") ?? "")) === expected,
    };
    if (!checks.node || !checks.age || !checks.browser) {
      throw new Error(`the browser's output differs: ${JSON.stringify(checks)}`);
    }

    const { page, close: closePage } = await newPage();
    const candidateRows: (string | number)[][] = [];
    for (const [name, label] of [
      ["portable", "portable (`@noble/ciphers`, pure JavaScript)"],
      ["wasm", "WebAssembly (`libsodium` 0.8.4)"],
    ] as const) {
      const cells: string[] = [];
      for (const count of [1, 2]) {
        let best = 0;
        for (let run = 0; run < RUNS; run++) {
          const { ms } = await page.evaluate(
            ({ name, count, chunks }) =>
              (
                window as unknown as {
                  wasm: { candidates(n: string, w: number, c: number): Promise<{ ms: number }> };
                }
              ).wasm.candidates(name, count, chunks),
            { name, count, chunks: CANDIDATE_CHUNKS },
          );
          best = Math.max(best, mbps(count * CANDIDATE_CHUNKS * 65536, ms));
        }
        cells.push(best.toFixed(0));
      }
      candidateRows.push([label, ...cells, `${(Number(cells[1]) / Number(cells[0])).toFixed(2)}×`]);
    }
    const webcrypto = await page.evaluate(() =>
      (
        window as unknown as {
          wasm: { candidates(n: string, w: number, c: number): Promise<{ results: { outcome: string }[] }> };
        }
      ).wasm.candidates("webcrypto", 1, 0),
    );
    candidateRows.push(["WebCrypto `ChaCha20-Poly1305`", `${webcrypto.results[0]?.outcome ?? "?"}`, "", ""]);

    await closePage();
    const loadAfter = loadavg()[0] ?? 0;
    const best = (values: number[]) => Math.min(...values);
    const peakMiB = (values: number[]) => Math.max(...values) / 1024;
    const peak = peakMiB(timings.wasm?.peakKiB ?? []);
    const doublePeak = doublePeakKiB / 1024;
    const row = (operation: "encrypt" | "decrypt") => {
      const ours = mbps(SIZE, best(timings.wasm?.[operation] ?? []));
      const reference = mbps(SIZE, best(timings.portable?.[operation] ?? []));
      return [
        operation,
        ours.toFixed(0),
        `≥ ${TARGET_MBPS} ${ours >= TARGET_MBPS ? "✓" : "✗"}`,
        reference.toFixed(0),
        `${(ours / reference).toFixed(2)}×`,
      ];
    };
    const body = [
      "## Browser",
      "",
      `\`npm run bench:browser\`: headless Chromium ${version}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ` +
        `shared with this script's server; 1-minute load average ${loadBefore.toFixed(1)} at the start and ` +
        `${loadAfter.toFixed(1)} at the end. MB = 10^6 bytes; best of ${RUNS} runs of ${SIZE / MiB} MiB of random content. ` +
        "Each run goes through the dApp's own code, bundled into a bare page: `encryptInWorker` / `decryptInWorker` " +
        "(web/src/lib/packageWorker.ts) and the package worker, reading the plaintext or package from a Blob and " +
        "gathering the output into Blobs, timed in the page around the call. The reference is the same worker built " +
        "without the WebAssembly cipher, which then uses the portable one, as it did before.",
      "",
      markdownTable(
        [`${SIZE / MiB} MiB`, "dApp worker MB/s", "target", "portable cipher (reference) MB/s", "speed-up"],
        [row("encrypt"), row("decrypt")],
      ),
      "",
      "Memory, as the peak RSS of the page's renderer process (which runs the worker), sampled every 20 ms " +
        "through one warm-up, one encryption and one decryption in a fresh browser context; the Blobs themselves " +
        "live in the browser process, which may keep them on disk:",
      "",
      markdownTable(
        ["file", "renderer peak RSS MiB", "target"],
        [
          [`${SIZE / MiB} MiB (the runs above)`, peak.toFixed(0), ""],
          [
            `${(2 * SIZE) / MiB} MiB (one run)`,
            doublePeak.toFixed(0),
            `no more per byte: ${(doublePeak - peak).toFixed(0)} MiB for ${SIZE / MiB} MiB more ${doublePeak - peak < 32 ? "✓" : "✗"}`,
          ],
        ],
      ),
      "",
      "The first package the browser wrote, and the plaintext it decrypted it back to, were sent back to this " +
        "script: `decryptFile` (OpenSSL under Node) and `age -d` opened the package, and all three plaintexts " +
        "are the original bytes.",
      "",
      `The candidates alone: sealing ${CANDIDATE_CHUNKS} chunks of 64 KiB in one worker, and in two workers at ` +
        "once (total throughput), which is what splitting a payload's chunks across workers could give at best:",
      "",
      markdownTable(["ChaCha20-Poly1305", "1 worker MB/s", "2 workers MB/s", "2 / 1"], candidateRows),
      "",
      BROWSER_CHOICE,
    ].join("\n");
    say(body);
    await writeBenchmarkSection("browser", body);
  } finally {
    await browser.close();
    server.close();
  }
}

/** Why the worker is built as it is: measured once by hand in a worker of this Chromium (not regenerated here). */
const BROWSER_CHOICE = [
  "What was chosen, and why. WebCrypto has no ChaCha20-Poly1305 (the import above is refused), so the cipher " +
    "is JavaScript or WebAssembly. libsodium's WebAssembly build (the `libsodium` npm package, no SIMD) seals " +
    "about three times as fast as `@noble/ciphers`; it is loaded by the worker only, as its own 300 KB chunk. " +
    "A hand-written SIMD build could be faster again, but no SIMD ChaCha20-Poly1305 installs here.",
  "",
  "Around the faster cipher, the rest of the worker was the bottleneck: as it was, piping `file.stream()` " +
    "through the Web Streams transforms 64 KiB per step and gathering the output in 8 MiB Blobs, it ran at 116 " +
    "MB/s encrypting and 196 decrypting with the WebAssembly cipher (one run, load average 7.5), the cipher being " +
    "a fifth of the time. `encryptBlob` / `decryptBlob` drive the " +
    "STREAM state machines straight from the Blob's reader into one reused 16 MiB buffer. Measured alone in a " +
    "worker, for 256 MiB: reading a Blob through its stream took 0.17 s, through 4 MiB `slice().arrayBuffer()` " +
    "reads 0.57–0.76 s; making the output Blobs took 0.49 s in 4 MiB parts, 0.38 s in 16 MiB parts and 0.28 s in " +
    "64 MiB ones (a few milliseconds a Blob, whatever its size); an origin-private file written through a sync " +
    "access handle took 1.47 s. Chromium keeps a new Blob part's bytes in the page's process until the browser " +
    "process takes them, so each part's hand-over is awaited (by reading one byte of it) before the one after is " +
    "made, and at most two are held. What memory remains is the garbage of the Blob reader's 64 KiB chunks, " +
    "which the collector bounds: the renderer's peak is the same for twice the file.",
  "",
  "Several workers over the chunks: STREAM chunks are independent, so a payload could be split between " +
    "workers, but the figures above bound the gain. On this machine's two cores, shared with the browser " +
    "process, which copies every Blob, two workers sealed 0.8–1.9 times what one did, depending on the " +
    "load at the moment, and the worker's Blob reads and writes, about two fifths of its time, would not be split. " +
    "More were not built.",
  "",
  "The target is met only when the machine is quiet. An earlier version of this script, which ran every " +
    "operation in " +
    "one page, so that each found the worker, its WebAssembly and its JIT warm from the run before, measured " +
    "315 MB/s encrypting and 320 decrypting at a load average of 3.0; in a fresh browser context per run, as " +
    "now and as a user's first file, the figures were 160–253 at load averages of 3–9. The work is spread over " +
    "three threads (the worker, the renderer's Blob reader, the browser process's Blob storage), which compete " +
    "for two cores with everything else on the machine.",
].join("\n");

const dir = await mkdtemp(join(tmpdir(), "bench-browser-"));
try {
  await bench(dir);
} finally {
  await rm(dir, { recursive: true, force: true });
}
