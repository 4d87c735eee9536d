/**
 * Verifier throughput: `npm run bench:verifier`.
 *
 * For each local chain (a Hardhat node, then anvil): one content, many licenses owned by different accounts, and
 * one pre-signed re-key request per license. The verifier runs as its own processes (`npm run verifier`, a
 * primary and workers); autocannon loads it over loopback from this process. Beside the results, the same run
 * measures the chain's own rate of ownership reads and the floor: the crypto no implementation can skip per
 * re-key, each part in the fastest implementation this machine has.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createCipheriv, createHmac, diffieHellman, generateKeyPairSync, randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { createInterface } from "node:readline";
import { superdistMarketAbi } from "@superdist/contracts";
import { keyCommitment } from "@superdist/package";
import { defaultSignatureRecovery, recoverWithNoble, rekeyDigest } from "@superdist/verifier";
import { createPublicClient, type Hex, http, type PrivateKeyAccount } from "viem";
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
    headers?: Record<string, string>;
    setupRequest?: (r: LoadRequest) => LoadRequest;
  }[];
}) => Promise<LoadResult>;

const TOKENS = Number(process.env.BENCH_TOKENS ?? 256);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? cpus().length);
/** A service runs for hours: two workers each compile their own code, and were still compiling after 3 s. */
const WARMUP_S = 10;
const NODES = ["hardhat", "anvil"] as const;

const targets = { rate: 1000, p99Ms: 25, cpuOfFloor: 1.5 };

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

/** CPU seconds of a process and all its descendants, from /proc (Linux). */
function treeCpuSeconds(pid: number): number {
  const ticks = 100;
  let total = 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    total += (Number(fields[11]) + Number(fields[12])) / ticks;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
    for (const child of children) if (child) total += treeCpuSeconds(Number(child));
  } catch {
    // The process is gone: it used nothing more.
  }
  return total;
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

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
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

type Run = {
  label: string;
  rate: number;
  p50: number;
  p99: number;
  steady: { rate: number; p50: number; p99: number };
  failed: number;
  verifierCpuMs: number;
  chainCpuMs: number;
  loadCpuMs: number;
};

const floor = await measureFloor();
const results: {
  node: string;
  chainReads: { rate: number; cpuMs: number };
  runs: Run[];
  httpCpuMs: number;
}[] = [];
const loadStart = loadavg()[0] ?? 0;

for (const node of NODES) {
  const fixture = await startMarketFixture({ node });
  try {
    log(`${node}: publishing and selling ${TOKENS} licenses...`);
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
    const bodies: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      const body: RekeyBody = await signedRekeyBody(fixture.chain, owners[i] as PrivateKeyAccount, {
        header: content.header,
        tokenId: tokens[i] as bigint,
        recipient: holder.recipient,
      });
      bodies.push(JSON.stringify(body));
    }
    const chainPid = fixture.chain.child.pid as number;

    log(`${node}: measuring the chain's own rate of ownership reads...`);
    const chainReads = await measureChainReads(fixture.chain.rpcUrl, fixture.chain.market, tokens, chainPid);

    const runs: Run[] = [];
    let httpCpuMs = 0;
    const scenarios = [
      {
        label: `${WORKERS} workers, confirmations 0: every re-key reads the chain`,
        workers: WORKERS,
        depth: 0,
      },
      {
        label: `${WORKERS} workers, confirmations 1: ownership reads shared per block`,
        workers: WORKERS,
        depth: 1,
      },
      { label: "1 process, confirmations 0 (reference)", workers: 1, depth: 0 },
    ];
    // At confirmations 1 the last purchase is not yet deep enough: one more block makes every license so.
    await fixture.publicClient.request({ method: "evm_mine" as never });
    for (const scenario of scenarios) {
      const started = await startVerifierProcess({
        SUPERDIST_RPC_URL: fixture.chain.rpcUrl,
        SUPERDIST_CHAIN_ID: String(fixture.chain.chainId),
        SUPERDIST_MARKET: fixture.chain.market,
        SUPERDIST_VERIFIER_IDENTITY: fixture.verifier.identity,
        SUPERDIST_VERIFIER_PORT: String(await freePort()),
        SUPERDIST_VERIFIER_WORKERS: String(scenario.workers),
        SUPERDIST_VERIFIER_CONFIRMATIONS: String(scenario.depth),
        // The load comes from one address and reuses each license many times: lift both limits.
        SUPERDIST_VERIFIER_RATE_IP: "1000000/1000000",
        SUPERDIST_VERIFIER_RATE_TOKEN: "1000000/1000000",
      });
      try {
        log(
          `${node}, ${scenario.label}: warming up for ${WARMUP_S} s, then ${DURATION_S} s at saturation...`,
        );
        await load(started.url, bodies, WARMUP_S);
        const verifierBefore = await verifierCpuSeconds(started.url);
        const chainBefore = treeCpuSeconds(chainPid);
        const loadBefore = process.cpuUsage();
        const result = await load(started.url, bodies, DURATION_S);
        const loadUsed = process.cpuUsage(loadBefore);
        const chainUsed = treeCpuSeconds(chainPid) - chainBefore;
        // /metrics itself costs a little CPU; over thousands of requests it is noise.
        const verifierUsed = (await verifierCpuSeconds(started.url)) - verifierBefore;
        const served = Math.max(1, result["2xx"]);
        // Saturation queues requests behind each other; half the measured rate shows the latency of a verifier
        // that keeps up with its load.
        const halfRate = Math.max(1, Math.floor(served / DURATION_S / 2));
        const steady = await load(started.url, bodies, DURATION_S, halfRate);
        runs.push({
          label: scenario.label,
          rate: result["2xx"] / DURATION_S,
          p50: result.latency.p50,
          p99: result.latency.p99,
          steady: { rate: halfRate, p50: steady.latency.p50, p99: steady.latency.p99 },
          failed:
            result.non2xx + result.errors + result.timeouts + steady.non2xx + steady.errors + steady.timeouts,
          verifierCpuMs: (verifierUsed * 1000) / served,
          chainCpuMs: (chainUsed * 1000) / served,
          loadCpuMs: (loadUsed.user + loadUsed.system) / 1000 / served,
        });
        if (scenario === scenarios[0]) httpCpuMs = await measureHttpOnly(started.url);
      } finally {
        await stopProcess(started.child);
      }
    }
    results.push({ node, chainReads, runs, httpCpuMs });
  } finally {
    await fixture.stop();
  }
}
const loadEnd = loadavg()[0] ?? 0;

/** Ownership reads as the verifier sends them (batched, 16 in flight), straight from this process. */
async function measureChainReads(rpcUrl: string, market: Hex, tokens: bigint[], chainPid: number) {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0, batch: { wait: 2 } }) });
  const seconds = 5;
  const cpuBefore = treeCpuSeconds(chainPid);
  const end = performance.now() + seconds * 1000;
  let reads = 0;
  await Promise.all(
    Array.from({ length: 16 }, async (_, lane) => {
      while (performance.now() < end) {
        await client.readContract({
          address: market,
          abi: superdistMarketAbi,
          functionName: "license",
          args: [tokens[(reads + lane) % tokens.length] as bigint],
        });
        reads++;
      }
    }),
  );
  return { rate: reads / seconds, cpuMs: ((treeCpuSeconds(chainPid) - cpuBefore) * 1000) / reads };
}

/** The verifier's CPU per request of its cheapest route: the HTTP server, routing and logging, no crypto or chain. */
async function measureHttpOnly(url: string): Promise<number> {
  const before = await verifierCpuSeconds(url);
  const result = await autocannon({
    url: `${url}/v1/recipient`,
    connections: CONNECTIONS,
    duration: 5,
    requests: [{ method: "GET" }],
  });
  return (((await verifierCpuSeconds(url)) - before) * 1000) / Math.max(1, result["2xx"]);
}

async function measureFloor() {
  log("measuring the crypto floor...");
  const account = (await import("viem/accounts")).privateKeyToAccount(`0x${"11".repeat(32)}`);
  const header = new Uint8Array(randomBytes(300));
  const parameters = {
    chainId: 31337,
    market: account.address,
    tokenId: 123n,
    recipient: "age1...",
    header,
    deadline: 1n,
  };
  const hash = rekeyDigest(parameters);
  const signature = await account.sign({ hash });
  const fileKey = randomBytes(16);
  const ours = generateKeyPairSync("x25519");
  const theirs = generateKeyPairSync("x25519");
  const x25519Ms = await cpuPerCall(2000, () =>
    diffieHellman({ privateKey: ours.privateKey, publicKey: theirs.publicKey }),
  );
  const keygenMs = await cpuPerCall(2000, () => generateKeyPairSync("x25519"));
  // HKDF of one 32-byte key is two HMACs, cheaper written out than through hkdfSync (as the package does).
  const hkdf32 = (ikm: Uint8Array, salt: Uint8Array, info: string) =>
    createHmac("sha256", createHmac("sha256", salt).update(ikm).digest())
      .update(info)
      .update(new Uint8Array([1]))
      .digest();
  // Per re-key: a wrap key and a MAC key for the header presented, the same for the one written.
  const symmetricMs = await cpuPerCall(2000, () => {
    for (let i = 0; i < 2; i++) {
      const wrapKey = hkdf32(fileKey, header.subarray(0, 64), "age-encryption.org/v1/X25519");
      const cipher = createCipheriv("chacha20-poly1305", wrapKey, Buffer.alloc(12), { authTagLength: 16 });
      cipher.update(fileKey);
      cipher.final();
      cipher.getAuthTag();
      const macKey = hkdf32(fileKey, new Uint8Array(0), "header");
      createHmac("sha256", macKey).update(header).digest();
    }
  });
  const keccakMs = await cpuPerCall(2000, () => {
    rekeyDigest(parameters);
    keyCommitment(fileKey);
  });
  const recoverMs = await cpuPerCall(2000, () => defaultSignatureRecovery.recover(hash, signature));
  const nobleMs = await cpuPerCall(300, () => recoverWithNoble(hash, signature));
  return {
    totalMs: recoverMs + 2 * x25519Ms + keygenMs + symmetricMs + keccakMs,
    recoverMs,
    nobleMs,
    x25519Ms,
    keygenMs,
    symmetricMs,
    keccakMs,
  };
}

const fixed = (n: number, digits = 2) => n.toFixed(digits);
const mark = (ok: boolean) => (ok ? "✓" : "✗");
const rows: (string | number)[][] = [];
for (const { node, chainReads, runs, httpCpuMs } of results) {
  rows.push([
    `**${node}**: ownership reads/s the chain answers one client (batched, 16 in flight)`,
    fixed(chainReads.rate, 0),
    "",
    `chain CPU ${fixed(chainReads.cpuMs, 3)} ms per read`,
  ]);
  for (const run of runs) {
    const main = !run.label.includes("reference");
    rows.push(
      [
        `${node}, ${run.label}: re-keys/s at saturation`,
        fixed(run.rate, 0),
        main ? `≥ ${targets.rate} ${mark(run.rate >= targets.rate)}` : "",
        "",
      ],
      [
        "– latency p50 / p99 at saturation",
        `${run.p50} / ${run.p99} ms`,
        main ? `p99 < ${targets.p99Ms} ms ${mark(run.p99 < targets.p99Ms)}` : "",
        `at a steady ${run.steady.rate}/s: ${run.steady.p50} / ${run.steady.p99} ms`,
      ],
      [
        "– CPU per re-key: verifier / chain / load generator",
        `${fixed(run.verifierCpuMs)} / ${fixed(run.chainCpuMs)} / ${fixed(run.loadCpuMs)} ms`,
        main
          ? `verifier ≤ ${targets.cpuOfFloor} × floor = ${fixed(targets.cpuOfFloor * floor.totalMs)} ms ${mark(run.verifierCpuMs <= targets.cpuOfFloor * floor.totalMs)}`
          : "",
        `${fixed(run.verifierCpuMs / floor.totalMs, 1)} × floor`,
      ],
      ["– failed requests", run.failed, main ? "0" : "", ""],
    );
  }
  rows.push([
    `${node}: verifier CPU per \`GET /v1/recipient\` (HTTP, routing, logging; no crypto, no chain)`,
    `${fixed(httpCpuMs)} ms`,
    "",
    `${fixed(httpCpuMs / floor.totalMs, 1)} × floor`,
  ]);
}
rows.push(
  ["floor: the crypto of one re-key, fastest implementation here", `${fixed(floor.totalMs)} ms`, "", ""],
  [
    "– secp256k1 recovery (libsecp256k1 via `secp256k1`)",
    `${fixed(floor.recoverMs, 3)} ms`,
    "",
    `noble (viem), the fallback: ${fixed(floor.nobleMs)} ms`,
  ],
  [
    "– X25519: unwrap, and the new stanza's agreement (node:crypto), 2 ×",
    `${fixed(floor.x25519Ms, 3)} ms`,
    "",
    "",
  ],
  ["– X25519 ephemeral key for the new stanza (node:crypto)", `${fixed(floor.keygenMs, 3)} ms`, "", ""],
  [
    "– 4 HKDF-SHA256, 2 ChaCha20-Poly1305 of the file key, 2 HMAC-SHA256 of the header (node:crypto)",
    `${fixed(floor.symmetricMs, 3)} ms`,
    "",
    "",
  ],
  [
    "– keccak-256: EIP-712 digest (4 hashes), key commitment (noble; Node has no keccak)",
    `${fixed(floor.keccakMs, 3)} ms`,
    "",
    "",
  ],
);
const table = markdownTable(["measure", "value", "target", "beside it"], rows);
const readBound = results.filter(({ chainReads, runs }) =>
  runs.some((run) => run.label.includes("confirmations 0") && run.rate >= 0.9 * chainReads.rate),
);
const readsVerdict =
  readBound.length === 0
    ? "the verifier never asked as many reads a second as the chain answers one client, so the chain's rate of `eth_call`s was not the limit, its CPU was."
    : `on ${readBound.map((r) => r.node).join(" and ")} the verifier came within 10 % of the reads a second the chain answers one client: there the chain's \`eth_call\` rate is the limit.`;
const chainSummary = results
  .map(({ node, chainReads }) => `${fixed(chainReads.cpuMs, 3)} ms of ${node}'s CPU per read`)
  .join(", ");

const body = [
  "## Verifier re-keys",
  "",
  `\`npm run bench:verifier\`: the verifier (\`npm run verifier\`, \`SUPERDIST_VERIFIER_WORKERS\` as named) against a local Hardhat node, then against anvil ${"(`@foundry-rs/anvil`)"}, on loopback; ${CONNECTIONS} autocannon connections from the benchmark's own process for ${DURATION_S} s after ${WARMUP_S} s of warm-up, then ${DURATION_S} s at half the rate reached; ${TOKENS} licenses of one content, one pre-signed request each, cycled; info logging on. Verifier CPU is \`process_cpu_seconds_total\` from its /metrics (every worker and the primary), the chain's is its process tree's from /proc, the load generator's is this process's, each divided by the re-keys served. Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, shared by the verifier, the chain, the load generator and other work: 1-minute load average ${loadStart.toFixed(1)} when the run started, ${loadEnd.toFixed(1)} at its end.`,
  "",
  table,
  "",
  `What bounds it: the two cores. At saturation the verifier's workers, the chain and autocannon share them with each other and with whatever else the machine runs, so the rate is at most about 2 CPU-seconds a second divided by what all three spend on one re-key (the CPU rows). The chain's part is the ownership read: ${chainSummary}. At confirmations 0 every re-key costs one, batched with the reads of concurrent re-keys; ${readsVerdict} At confirmations 1 the reads of a token at the confirmed block are shared, and with ${TOKENS} licenses cycled nearly every read is one already made, so the chain drops out: that row is the best case, as real traffic rarely asks for one token twice in a block. Tail latencies and rates swing with the machine's other load from one run to the next.`,
  "",
  "Where the verifier's CPU goes, from on-CPU samples (`perf record -e cpu-clock` with `--perf-basic-prof`) of one verifier process under this load against anvil, taken once; this script does not regenerate it. The floor's own crypto is about a third: X25519 13 %, libsecp256k1 7 %, keccak-256 (noble) 6 %, ChaCha20-Poly1305 and HMAC 7 %. Beyond it: V8's optimising compiler, still busy in the measured window after three seconds of warm-up (why this run now warms up longer), 8-10 %; the kernel (socket reads and writes, the log's writes) 6-8 %; Node's HTTP server 5-8 %; garbage collection and malloc 7-9 %; the header library's parsing and writing 5 %; the route's own code (JSON, base64, log fields) 4 %; Hono and its Node adapter 3-4 %; promise and event scheduling 3 %; the log line (pino) 1.5 %; the schema check (zod) 1 %; at confirmations 0 the ownership read (node:http, one JSON-RPC batch per 2 ms) 2 %. Fetch, web streams, full Request and Response objects and viem's encoding of the read, once about a sixth of it, no longer appear. What a re-key spends beyond the floor is spread over the HTTP stack, the runtime and many small pieces of JavaScript, none above a tenth; the `GET /v1/recipient` row is the HTTP part alone.",
].join("\n");
process.stdout.write(`${table}\n`);
await writeBenchmarkSection("verifier", body);
