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
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
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
const SIZE = 256 * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

async function receive(request: IncomingMessage, path: string): Promise<void> {
  await pipeline(request, createWriteStream(path));
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-browser-"));
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
  for (let written = 0; written < SIZE; written += MiB) await handle.write(randomBytes(MiB));
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
    } else if (url === "/plain") createReadStream(plain).pipe(response);
    else if (url === "/candidate.js") js(candidateWorker);
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
    // A page of its own for every run: Blobs live as long as their page, and the runs' Blobs together (over
    // 2 GB) would otherwise make Chromium page them to disk, which is slower and failed reads here.
    const newPage = async () => {
      const page = await browser.newPage();
      await page.goto(origin);
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
      return page;
    };
    const timings: Record<string, { encrypt: number[]; decrypt: number[] }> = {};
    for (let run = 0; run < RUNS; run++) {
      for (const variant of ["wasm", "portable"] as const) {
        const check = run === 0 && variant === "wasm";
        const page = await newPage();
        const { encryptMs, decryptMs } = await page.evaluate(
          async ({ variant, parameters, holder, check }) => {
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
            const plain = await (await fetch("/plain")).blob();
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
          { variant, parameters, holder, check },
        );
        await page.close();
        timings[variant] ??= { encrypt: [], decrypt: [] };
        timings[variant].encrypt.push(encryptMs);
        timings[variant].decrypt.push(decryptMs);
        say(
          `${variant} run ${run + 1}: encrypt ${encryptMs.toFixed(0)} ms, decrypt ${decryptMs.toFixed(0)} ms`,
        );
      }
    }

    // The browser's package, opened by the Node package (OpenSSL) and by age, and the browser's own plaintext.
    const expected = await sha256File(plain);
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

    const page = await newPage();
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

    const loadAfter = loadavg()[0] ?? 0;
    const best = (values: number[]) => Math.min(...values);
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
        `${loadAfter.toFixed(1)} at the end. MB = 10^6 bytes; best of ${RUNS} runs of 256 MiB of random content. ` +
        "Each run goes through the dApp's own code, bundled into a bare page: `encryptInWorker` / `decryptInWorker` " +
        "(web/src/lib/packageWorker.ts) and the package worker, reading the plaintext or package from a Blob and " +
        "gathering the output into Blobs, timed in the page around the call. The reference is the same worker built " +
        "without the WebAssembly cipher, which then uses the portable one, as it did before.",
      "",
      markdownTable(
        ["256 MiB", "dApp worker MB/s", "target", "portable cipher (reference) MB/s", "speed-up"],
        [row("encrypt"), row("decrypt")],
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
    await rm(dir, { recursive: true, force: true });
  }
}

/** Why the worker uses what it uses; the figures above are the evidence. */
const BROWSER_CHOICE = "TODO";

await main();
