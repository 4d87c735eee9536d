/**
 * Verifier throughput: `npm run bench:verifier`.
 *
 * A real Hardhat node, one content, many licenses owned by different accounts, and one pre-signed re-key request
 * per license. The verifier runs as its own process (`npm run verifier`); autocannon loads it over loopback.
 * Beside the result, the same run measures the floor: the crypto no implementation can skip per request (one
 * secp256k1 signature recovery, two X25519 operations, one HMAC-SHA256 of the header).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, diffieHellman, generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { parseHeader, rekeyHeader, unwrapHeader, verifyHeaderMac } from "@superdist/package";
import { decodeBase64, importIdentityKey, rekeyTypedData } from "@superdist/verifier";
import { hashTypedData, type PrivateKeyAccount, recoverAddress } from "viem";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";
import { ROOT } from "./stack/chain.ts";
import { ageKeyPair, type RekeyBody, signedRekeyBody, startMarketFixture } from "./stack/market.ts";
import { freePort } from "./stack/ports.ts";

// autocannon ships no types; this is the part of its API the benchmark uses.
type LoadResult = {
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latency: { p50: number; p99: number };
};
type LoadRequest = { method: string; headers: Record<string, string>; body?: string };
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: {
    method: string;
    headers: Record<string, string>;
    setupRequest: (r: LoadRequest) => LoadRequest;
  }[];
}) => Promise<LoadResult>;

const TOKENS = Number(process.env.BENCH_TOKENS ?? 256);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = 3;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** CPU milliseconds per call of `work`, on this process. */
async function cpuPerCall(iterations: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(100, iterations); i++) await work();
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / iterations;
}

async function verifierCpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^process_cpu_seconds_total ([0-9.e+-]+)$/m.exec(text);
  if (!match) throw new Error("the verifier's /metrics has no process_cpu_seconds_total");
  return Number(match[1]);
}

async function startVerifierProcess(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["packages/verifier/src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const message = JSON.parse(line) as { msg?: string; url?: string };
    if (message.msg === "ready" && message.url) {
      // Logs keep flowing; drain them so the verifier never blocks on a full pipe.
      child.stdout?.resume();
      return { child, url: message.url };
    }
  }
  throw new Error("the verifier exited before it was ready");
}

function load(url: string, bodies: string[], seconds: number, overallRate?: number) {
  let next = 0;
  return autocannon({
    url: `${url}/v1/rekey`,
    connections: CONNECTIONS,
    duration: seconds,
    overallRate,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => {
          request.body = bodies[next++ % bodies.length];
          return request;
        },
      },
    ],
  });
}

const fixture = await startMarketFixture();
let verifier: ChildProcess | undefined;
try {
  log(`publishing and selling ${TOKENS} licenses...`);
  const content = await fixture.publish();
  const buyers = fixture.accounts.slice(2) as PrivateKeyAccount[];
  const owners: PrivateKeyAccount[] = [];
  const tokens: bigint[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const buyer = buyers[i % buyers.length] as PrivateKeyAccount;
    tokens.push(await fixture.buy(content.contentId, buyer));
    owners.push(buyer);
  }
  const holder = await ageKeyPair();
  const signed: RekeyBody[] = [];
  for (let i = 0; i < TOKENS; i++) {
    signed.push(
      await signedRekeyBody(fixture.chain, owners[i] as PrivateKeyAccount, {
        header: content.header,
        tokenId: tokens[i] as bigint,
        recipient: holder.recipient,
      }),
    );
  }
  const bodies = signed.map((body) => JSON.stringify(body));

  const port = await freePort();
  const started = await startVerifierProcess({
    SUPERDIST_RPC_URL: fixture.chain.rpcUrl,
    SUPERDIST_CHAIN_ID: String(fixture.chain.chainId),
    SUPERDIST_MARKET: fixture.chain.market,
    SUPERDIST_VERIFIER_IDENTITY: fixture.verifier.identity,
    SUPERDIST_VERIFIER_PORT: String(port),
    // The load comes from one address and reuses each license many times: lift both limits.
    SUPERDIST_VERIFIER_RATE_IP: "1000000/1000000",
    SUPERDIST_VERIFIER_RATE_TOKEN: "1000000/1000000",
  });
  verifier = started.child;

  log(`warming up for ${WARMUP_S} s...`);
  await load(started.url, bodies, WARMUP_S);
  log(`loading for ${DURATION_S} s with ${CONNECTIONS} connections...`);
  const loadBefore = loadavg()[0] ?? 0;
  const cpuBefore = await verifierCpuSeconds(started.url);
  const result = await load(started.url, bodies, DURATION_S);
  const cpuAfter = await verifierCpuSeconds(started.url);
  // /metrics itself costs a little CPU; over thousands of requests it is noise.
  const served = result["2xx"];
  const failed = result.non2xx + result.errors + result.timeouts;
  const cpuPerRequestMs = ((cpuAfter - cpuBefore) * 1000) / Math.max(1, served);
  // Saturation queues requests behind each other; half the measured rate shows the latency of a verifier
  // that keeps up with its load.
  const halfRate = Math.max(1, Math.floor(served / DURATION_S / 2));
  log(`loading at a steady ${halfRate} re-keys/s for ${DURATION_S} s...`);
  const steady = await load(started.url, bodies, DURATION_S, halfRate);

  log("measuring the crypto floor...");
  const sample = signed[0] as RekeyBody;
  const header = decodeBase64(sample.header) as Uint8Array;
  const digest = hashTypedData(
    rekeyTypedData({
      chainId: fixture.chain.chainId,
      market: fixture.chain.market,
      tokenId: BigInt(sample.tokenId),
      recipient: sample.recipient,
      header,
      deadline: BigInt(sample.deadline),
    }),
  );
  const ours = generateKeyPairSync("x25519");
  const theirs = generateKeyPairSync("x25519");
  const recoverMs = await cpuPerCall(500, () =>
    recoverAddress({ hash: digest, signature: sample.signature }),
  );
  const x25519Ms = await cpuPerCall(2000, () =>
    diffieHellman({ privateKey: ours.privateKey, publicKey: theirs.publicKey }),
  );
  const hmacMs = await cpuPerCall(2000, () => createHmac("sha256", content.fileKey).update(header).digest());
  const floorMs = recoverMs + 2 * x25519Ms + hmacMs;

  // What the package library spends per re-key today, for comparison with the floor.
  const parsed = parseHeader(header);
  const identityKey = await importIdentityKey(fixture.verifier.identity);
  const unwrapMs = await cpuPerCall(300, () => unwrapHeader(parsed, [identityKey]));
  const unwrapped = await unwrapHeader(parsed, [identityKey]);
  const macMs = await cpuPerCall(1000, () => verifyHeaderMac(parsed, content.fileKey));
  const writeMs = await cpuPerCall(300, () =>
    rekeyHeader({
      header: parsed,
      fileKey: content.fileKey,
      holderRecipients: [holder.recipient],
      verifierRecipient: fixture.verifier.recipient,
      holderTokenId: 1n,
      verifierStanza: unwrapped?.stanza,
    }),
  );
  const libraryMs = recoverMs + unwrapMs + macMs + writeMs;

  const fixed = (n: number, digits = 2) => n.toFixed(digits);
  const targets = {
    rate: served / DURATION_S >= 500,
    p99: result.latency.p99 < 50,
    cpu: cpuPerRequestMs <= 2 * floorMs,
  };
  const table = markdownTable(
    ["measure", "value", "target"],
    [
      ["re-keys/s (mean)", fixed(served / DURATION_S, 0), `≥ 500 ${targets.rate ? "✓" : "✗"}`],
      ["latency p50 at saturation", `${result.latency.p50} ms`, ""],
      ["latency p99 at saturation", `${result.latency.p99} ms`, `< 50 ms ${targets.p99 ? "✓" : "✗"}`],
      [
        `latency p50 / p99 at a steady ${halfRate} re-keys/s`,
        `${steady.latency.p50} / ${steady.latency.p99} ms`,
        "",
      ],
      ["failed requests", failed + steady.non2xx + steady.errors + steady.timeouts, "0"],
      ["verifier CPU per re-key", `${fixed(cpuPerRequestMs)} ms`, `≤ 2 × floor ${targets.cpu ? "✓" : "✗"}`],
      ["floor: 1 recovery + 2 X25519 + HMAC", `${fixed(floorMs)} ms`, ""],
      ["– secp256k1 recovery (viem / noble)", `${fixed(recoverMs)} ms`, ""],
      ["– X25519, each (node:crypto)", `${fixed(x25519Ms, 3)} ms`, ""],
      ["– HMAC-SHA256 of the header", `${fixed(hmacMs, 3)} ms`, ""],
      ["library crypto per re-key (recovery, unwrap, MAC, new header)", `${fixed(libraryMs)} ms`, ""],
      ["– unwrap the verifier stanza (MAC included)", `${fixed(unwrapMs)} ms`, ""],
      ["– write the new header (a new holder stanza, the verifier's kept)", `${fixed(writeMs)} ms`, ""],
    ],
  );
  const body = [
    "## Verifier re-keys",
    "",
    `\`npm run bench:verifier\`: the verifier process against a local Hardhat node on loopback, ${CONNECTIONS} autocannon connections for ${DURATION_S} s after ${WARMUP_S} s of warm-up, ${TOKENS} licenses with one pre-signed request each, confirmations 0, info logging on. CPU is the verifier process's own (\`process_cpu_seconds_total\` from its /metrics) divided by the re-keys served. Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, shared with the node and the load generator; 1-minute load average ${loadBefore.toFixed(1)} when the run started.`,
    "",
    table,
    "",
    "Where the verifier's CPU goes, from a V8 CPU profile of the verifier under the same load (taken once with `--cpu-prof`, start-up excluded; this script does not regenerate it): secp256k1 recovery (noble, inside viem) 44 %, the rest of the signature check (EIP-712 encoding, keccak) 5 %, the age header work (X25519, HKDF, ChaCha20-Poly1305, HMAC, parsing and writing) 11 %, the JSON-RPC client of the ownership read 9 %, the HTTP server 9 %, garbage collection 6 %, validation and logging 2 %, promise scheduling and sockets the rest. Per re-key the libraries do three X25519 operations through `node:crypto`: one to unwrap (the verifier's stanza is tried first, and the identity's public key is derived once per key, not per header) and two for the holder's new stanza (an ephemeral key, then the agreement); the verifier's stanza of the presented header is kept as it is, since it already wraps the same file key to the same recipient.",
  ].join("\n");
  process.stdout.write(`${table}\n`);
  await writeBenchmarkSection("verifier", body);
} finally {
  if (verifier && verifier.exitCode === null) {
    const exited = once(verifier, "exit");
    verifier.kill("SIGTERM");
    await exited;
  }
  await fixture.stop();
}
