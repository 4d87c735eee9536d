/**
 * The read path at scale: `npm run bench:indexer`.
 *
 * One local Hardhat node gets a history of BENCH_PURCHASES purchases over BENCH_CONTENTS contents (half in ETH,
 * half in DUSD, eight-level schedules, lineages up to generation BENCH_MAX_DEPTH), one of which holds a lineage
 * root with BENCH_BIG_TREE descendants. Purchases are sent in batches from the node's unlocked accounts with
 * automine off, BENCH_BLOCK of them per mined block. The same chain is then read three ways, one after another so
 * that they never share the two cores: the indexer on PostgreSQL, the indexer on PGlite, and the log scan the
 * dApp and the CLI do today (@superdist/contracts' getAccountActivity, the catalog's event scan).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "@ponder/client";
import {
  ETH,
  getAccountActivity as getAccountActivityFromLogs,
  getContent,
  superdistMarketAbi,
} from "@superdist/contracts";
import { type RunningIndexer, startIndexer, startLocalPostgres } from "@superdist/indexer";
import {
  createIndexerClient,
  getAccountActivity,
  getAccountLicenses,
  getCatalog,
  getDescendants,
  type IndexerClient,
  waitForIndexedBlock,
} from "@superdist/indexer/client";
import {
  type Address,
  createPublicClient,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  keccak256,
  numberToHex,
  type PublicClient,
  toHex,
} from "viem";
import { getContractEvents } from "viem/actions";
import { hardhat } from "viem/chains";
import { type History, PRICE, rpcOf, writeHistory } from "./bench/indexer-history.ts";
import { markdownTable, writeBenchmarkSection } from "./bench/report.ts";
import { type LocalChain, startLocalChain } from "./stack/chain.ts";
import { freePort } from "./stack/ports.ts";

const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 100_000);
const CONTENTS = Number(process.env.BENCH_CONTENTS ?? 100);
const MAX_DEPTH = Number(process.env.BENCH_MAX_DEPTH ?? 8);
const BIG_TREE = Number(process.env.BENCH_BIG_TREE ?? 10_000);
const PER_BLOCK = Number(process.env.BENCH_BLOCK ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const SCAN_ROUNDS = Number(process.env.BENCH_SCAN_ROUNDS ?? 3);
const RECIPIENTS = Number(process.env.BENCH_RECIPIENTS ?? 5_000);
// Trial runs at other sizes set BENCH_WRITE=0 to leave docs/benchmarks.md as it is.
const WRITE = process.env.BENCH_WRITE !== "0";

function log(message: string): void {
  process.stderr.write(`[bench:indexer] ${message}\n`);
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const p50p95 = (values: number[]) => `${ms(percentile(values, 50))} / ${ms(percentile(values, 95))}`;

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

/**
 * Memory of a process in MB: its resident set, or with `withChildren` (PostgreSQL's backends) the proportional set
 * sizes summed, which count the shared buffers every backend maps once rather than once per backend.
 */
async function memoryMb(pid: number, withChildren = false): Promise<number> {
  const read = async (p: number, field: "VmRSS" | "Pss") => {
    const file = field === "VmRSS" ? `/proc/${p}/status` : `/proc/${p}/smaps_rollup`;
    const text = await readFile(file, "utf8").catch(() => "");
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) / 1024;
  };
  if (!withChildren) return read(pid, "VmRSS");
  let total = await read(pid, "Pss");
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  for (const child of children.split(/\s+/).filter(Boolean)) total += await read(Number(child), "Pss");
  return total;
}

function sampleMemory(pid: () => number | undefined, withChildren = false) {
  let peak = 0;
  const timer = setInterval(() => {
    const id = pid();
    if (id)
      void memoryMb(id, withChildren).then((mb) => {
        peak = Math.max(peak, mb);
      });
  }, 250);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

type PathResult = {
  backfillSeconds: number;
  lag: number[];
  catalog: number[];
  catalogCached: number[];
  account: number[];
  heavyAccount: number[];
  descendants: number[];
  descendantCount: number;
  heavyTreeSize: number;
  peakRss: number;
  steadyRss: number;
  databaseRss?: number;
};

/** Backfill, then rounds of: one live purchase (its lag), then each page's data once after that block and once again. */
async function measureIndexer(
  label: string,
  chain: LocalChain,
  client: PublicClient,
  history: History,
  databaseUrl: string | undefined,
  postmasterPid?: number,
): Promise<PathResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "superdist-bench-indexer-"));
  let indexer: RunningIndexer | undefined;
  try {
    const startedAt = performance.now();
    let current: RunningIndexer | undefined;
    const memory = sampleMemory(() => current?.pid);
    const database = postmasterPid ? sampleMemory(() => postmasterPid, true) : undefined;
    indexer = await startIndexer({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      deployBlock: chain.deployBlock,
      dataDir,
      databaseUrl,
      port: await freePort(),
    });
    current = indexer;
    const head = await client.getBlockNumber({ cacheTime: 0 });
    await waitForIndexedBlock(indexer.client, {
      blockNumber: head,
      timeoutMs: 60 * 60_000,
      pollingIntervalMs: 200,
    });
    const backfillSeconds = (performance.now() - startedAt) / 1000;
    log(
      `${label}: backfill of ${head} blocks in ${backfillSeconds.toFixed(1)} s (indexes built, /ready answers)`,
    );
    const peakRss = memory.stop();
    const databasePeak = database?.stop();

    const { call } = rpcOf(chain.rpcUrl);
    const [payer] = (await call<Address[]>("eth_accounts")).slice(17);
    // Generous, so that a slow read is measured rather than given up on.
    const indexed: IndexerClient = createIndexerClient({ url: indexer.url, timeoutMs: 120_000 });
    const result: PathResult = {
      backfillSeconds,
      lag: [],
      catalog: [],
      catalogCached: [],
      account: [],
      heavyAccount: [],
      descendants: [],
      descendantCount: 0,
      heavyTreeSize: 0,
      peakRss,
      steadyRss: 0,
      databaseRss: databasePeak,
    };
    // Round 0 warms up (the server's SQL parser, the database's caches) and is not counted.
    for (let round = -1; round < ROUNDS; round++) {
      const record = round >= 0;
      // A live sale on another content than the big tree's, to a fresh account: the lag until the index shows it.
      const recipient = getAddress(`0x${keccak256(toHex(`${label} live ${round}`)).slice(-40)}`);
      const contentId = history.liveContentIds[(round + 1) % history.liveContentIds.length] as bigint;
      const data = encodeFunctionData({
        abi: superdistMarketAbi,
        functionName: "purchase",
        args: [contentId, 0n, recipient, contentId % 2n === 1n ? ETH : chain.demoToken, PRICE],
      });
      const hash = await call<Hex>("eth_sendTransaction", [
        { from: payer, to: chain.market, data, value: numberToHex(contentId % 2n === 1n ? PRICE : 0n) },
      ]);
      await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
      const mined = performance.now();
      for (;;) {
        if ((await getAccountLicenses(indexed, { account: recipient })).length > 0) break;
        if (performance.now() - mined > 30_000) throw new Error(`${label}: a live sale did not show in 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const lag = performance.now() - mined;

      // Right after a block, Ponder's result cache holds nothing for these tables: the database answers.
      const [catalogMs, catalog] = await timed(() => getCatalog(indexed, { limit: 100 }));
      if (catalog.length !== Math.min(100, CONTENTS)) {
        const counts = await Promise.all([
          indexed.query(sql`select count(*) as contents from contents`),
          indexed.query(sql`select count(*) as licenses from licenses`),
          indexed.query(sql`select count(*) as sales from sales`),
        ]).catch((error) => String(error));
        throw new Error(
          `${label}: catalog of ${catalog.length}; ${JSON.stringify(counts)}\n${indexer.tail()}`,
        );
      }
      const account = history.typicalAccounts[(round + 1) % history.typicalAccounts.length] as Address;
      const [accountMs] = await timed(() => getAccountActivity(indexed, { account }));
      const [descendantsMs, descendants] = await timed(() =>
        getDescendants(indexed, { tokenId: history.bigRoot }),
      );
      result.descendantCount = descendants.length;
      const [heavyMs, heavy] = await timed(() =>
        getAccountActivity(indexed, { account: history.bigRootOwner }),
      );
      result.heavyTreeSize = heavy.credits.length;
      const [cachedMs] = await timed(() => getCatalog(indexed, { limit: 100 }));
      if (round < 2) {
        log(
          `${label} round ${round}: lag ${ms(lag)}, catalog ${ms(catalogMs)}, account ${ms(accountMs)}, ` +
            `descendants ${ms(descendantsMs)}, heavy account ${ms(heavyMs)}, cached catalog ${ms(cachedMs)} ms`,
        );
      }
      if (!record) continue;
      result.lag.push(lag);
      result.catalog.push(catalogMs);
      result.account.push(accountMs);
      result.descendants.push(descendantsMs);
      result.heavyAccount.push(heavyMs);
      result.catalogCached.push(cachedMs);
    }
    result.steadyRss = indexer.pid ? await memoryMb(indexer.pid) : 0;
    log(`${label}: lag p50/p95 ${p50p95(result.lag)} ms, catalog ${p50p95(result.catalog)} ms`);
    return result;
  } finally {
    await indexer?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

type ScanResult = {
  catalog: number[];
  account: number[];
  heavyAccount: number[];
  descendants: number[];
  /** What viem's default transport (a 10 MB response limit) said to the catalog's scan, if it refused it. */
  defaultTransport: string | undefined;
};

/** The same pages' data as the dApp and the CLI build it today, from the market's logs and contract reads. */
async function measureLogScan(chain: LocalChain, history: History): Promise<ScanResult> {
  const market = chain.market;
  const fromBlock = BigInt(chain.deployBlock);
  const base = { address: market, abi: superdistMarketAbi, fromBlock, strict: true } as const;
  const result: ScanResult = {
    catalog: [],
    account: [],
    heavyAccount: [],
    descendants: [],
    defaultTransport: undefined,
  };
  // First as the dApp's client is set up; then without the limit, to time what the scan costs.
  const dappClient = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
  await getContractEvents(dappClient, { ...base, eventName: "LicensePurchased" }).catch((error: unknown) => {
    const { shortMessage, metaMessages } = error as { shortMessage?: string; metaMessages?: string[] };
    result.defaultTransport = [shortMessage ?? String(error), ...(metaMessages ?? [])].join(" ");
  });
  const client = createPublicClient({
    chain: hardhat,
    transport: http(chain.rpcUrl, { maxResponseBodySize: false, timeout: 600_000 }),
  }) as PublicClient;
  for (let round = 0; round < SCAN_ROUNDS; round++) {
    // web/src/hooks/useMarket.ts readEntries: every publication and every sale, then each content's terms.
    const [catalogMs] = await timed(async () => {
      const [published, purchased] = await Promise.all([
        getContractEvents(client, { ...base, eventName: "ContentPublished" }),
        getContractEvents(client, { ...base, eventName: "LicensePurchased" }),
      ]);
      const sold = new Map<bigint, number>();
      for (const event of purchased)
        sold.set(event.args.contentId, (sold.get(event.args.contentId) ?? 0) + 1);
      return Promise.all(
        published.map((event) => getContent(client, { market, contentId: event.args.contentId })),
      );
    });
    result.catalog.push(catalogMs);
    const account = history.typicalAccounts[round % history.typicalAccounts.length] as Address;
    const [accountMs] = await timed(() => getAccountActivityFromLogs(client, { market, account, fromBlock }));
    result.account.push(accountMs);
    const [heavyMs] = await timed(() =>
      getAccountActivityFromLogs(client, { market, account: history.bigRootOwner, fromBlock }),
    );
    result.heavyAccount.push(heavyMs);
    // The descendants of a token: its content's sales, then the subtree from the parent links.
    const [descendantsMs, count] = await timed(async () => {
      const sales = await getContractEvents(client, {
        ...base,
        eventName: "LicensePurchased",
        args: { contentId: 1n },
      });
      const children = new Map<bigint, bigint[]>();
      for (const s of sales)
        children.set(s.args.parent, [...(children.get(s.args.parent) ?? []), s.args.tokenId]);
      let found = 0;
      const stack = [history.bigRoot];
      while (stack.length > 0) {
        for (const child of children.get(stack.pop() as bigint) ?? []) {
          found++;
          stack.push(child);
        }
      }
      return found;
    });
    if (count !== BIG_TREE) throw new Error(`log scan found ${count} descendants`);
    result.descendants.push(descendantsMs);
    log(`log scan round ${round + 1}: catalog ${ms(catalogMs)} ms, account ${ms(accountMs)} ms`);
  }
  return result;
}

const loadAtStart = loadavg()[0]?.toFixed(1);
log(`${PURCHASES} purchases over ${CONTENTS} contents; big tree ${BIG_TREE}; ${PER_BLOCK} per block`);
const chain = await startLocalChain();
try {
  const client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) }) as PublicClient;
  const history = await writeHistory(chain, client, {
    purchases: PURCHASES,
    contents: CONTENTS,
    maxDepth: MAX_DEPTH,
    bigTree: BIG_TREE,
    perBlock: PER_BLOCK,
    recipients: RECIPIENTS,
    typicalAccounts: ROUNDS + 1,
    log,
  });
  log(`history written: ${history.blocks} blocks in ${history.seconds.toFixed(0)} s`);

  const paths = (process.env.BENCH_PATHS ?? "postgres,pglite,scan").split(",");
  let onPostgres: PathResult | undefined;
  let postgresVersion = "";
  if (paths.includes("postgres")) {
    const postgres = await startLocalPostgres({ port: await freePort() });
    try {
      const { default: pg } = await import("pg");
      const admin = new pg.Client({ connectionString: postgres.databaseUrl });
      await admin.connect();
      postgresVersion =
        (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "";
      await admin.end();
      onPostgres = await measureIndexer(
        "postgres",
        chain,
        client,
        history,
        postgres.databaseUrl,
        postgres.pid,
      );
    } finally {
      await postgres.stop();
    }
  }
  const onPglite = paths.includes("pglite")
    ? await measureIndexer("pglite", chain, client, history, undefined)
    : undefined;
  const scan = paths.includes("scan") ? await measureLogScan(chain, history) : undefined;
  if (!onPostgres || !onPglite || !scan) {
    // A partial run (BENCH_PATHS) has no table to write.
    process.stdout.write(`${JSON.stringify({ onPostgres, onPglite, scan }, null, 2)}\n`);
    process.exit(0);
  }

  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const rows: (string | number)[][] = [
    [
      "backfill (history written before the indexer starts)",
      `${onPostgres.backfillSeconds.toFixed(0)} s`,
      `${onPglite.backfillSeconds.toFixed(0)} s`,
      "—",
      "",
    ],
    [
      "live lag p50 / p95 (sale mined → visible through the client)",
      `${p50p95(onPostgres.lag)} ms`,
      `${p50p95(onPglite.lag)} ms`,
      "—",
      `< 2 s ${mark(percentile(onPostgres.lag, 95) < 2000 && percentile(onPglite.lag, 95) < 2000)}`,
    ],
    [
      `catalog page: ${CONTENTS} contents with sales (getCatalog)`,
      `${p50p95(onPostgres.catalog)} ms`,
      `${p50p95(onPglite.catalog)} ms`,
      `${p50p95(scan.catalog)} ms`,
      `p95 < 100 ms ${mark(percentile(onPostgres.catalog, 95) < 100)}`,
    ],
    [
      "catalog page, asked again (Ponder's result cache)",
      `${p50p95(onPostgres.catalogCached)} ms`,
      `${p50p95(onPglite.catalogCached)} ms`,
      "—",
      "",
    ],
    [
      "rewards page of an account: balances, credits, claims, trees (getAccountActivity)",
      `${p50p95(onPostgres.account)} ms`,
      `${p50p95(onPglite.account)} ms`,
      `${p50p95(scan.account)} ms`,
      `p95 < 100 ms ${mark(percentile(onPostgres.account, 95) < 100)}`,
    ],
    [
      `rewards page of the big tree's root owner (${onPostgres.heavyTreeSize} credits, a ${BIG_TREE + 1}-node tree)`,
      `${p50p95(onPostgres.heavyAccount)} ms`,
      `${p50p95(onPglite.heavyAccount)} ms`,
      `${p50p95(scan.heavyAccount)} ms`,
      "",
    ],
    [
      `descendants of a token with ${onPostgres.descendantCount} descendants (getDescendants)`,
      `${p50p95(onPostgres.descendants)} ms`,
      `${p50p95(onPglite.descendants)} ms`,
      `${p50p95(scan.descendants)} ms`,
      `p95 < 100 ms ${mark(percentile(onPostgres.descendants, 95) < 100)}`,
    ],
    [
      "indexer process RSS: peak during backfill / after the rounds",
      `${onPostgres.peakRss.toFixed(0)} / ${onPostgres.steadyRss.toFixed(0)} MB`,
      `${onPglite.peakRss.toFixed(0)} / ${onPglite.steadyRss.toFixed(0)} MB`,
      "—",
      "",
    ],
    [
      "PostgreSQL's processes, proportional set sizes summed, peak during backfill",
      `${onPostgres.databaseRss?.toFixed(0)} MB`,
      "(inside the indexer)",
      "—",
      "",
    ],
  ];
  const table = markdownTable(
    ["measure", "indexer on PostgreSQL", "indexer on PGlite", "log scan", "target"],
    rows,
  );
  const body = `## Indexer reads

\`npm run bench:indexer\`: one local Hardhat node with ${history.purchases.toLocaleString("en")} purchases over ${CONTENTS} contents
(half in ETH, half in DUSD, eight-level reward schedules, lineages down to generation ${MAX_DEPTH}), written in
${history.blocks} blocks of ${PER_BLOCK} in ${history.seconds.toFixed(0)} s; about ${Math.round(history.events / 1000)}k market events.
Content 1 holds one lineage root with ${BIG_TREE.toLocaleString("en")} descendants. The same chain is read by the indexer on
PostgreSQL ${postgresVersion.split(" ")[0]} (a local cluster), then by the indexer on PGlite, then by the log scan the dApp and the CLI do today,
one at a time. Each indexer runs ${ROUNDS} rounds: one live sale (its lag), then each page's data once; the sale
has just invalidated Ponder's result cache, so the database answers every one of these (one warm-up round
before them is not counted). Latencies are p50 / p95,
measured in the caller around the client's function, which includes HTTP on loopback and turning rows into the
returned shapes. The log scan runs ${SCAN_ROUNDS} rounds against the same node. Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, shared with
the node, the database and other work: 1-minute load average ${loadAtStart} when the run started, ${loadavg()[0]?.toFixed(1)} at its end.
Tail latencies vary from run to run on this shared machine: two earlier runs at the same size measured the
descendants' p95 on PostgreSQL at 83 and 236 ms, and the big tree owner's page at 194 and 346 ms.

${table}

Where the time goes: the catalog is one statement (contents joined to their sales per currency); the rewards page
is four statements sent together (balances per currency, credits, claims, and the account's licenses joined to
their subtrees); the descendants are one range scan of an index on (lineage root, path), the path being the token ids
from the root down, compared with \`text_pattern_ops\`. The log scan fetches every sale of the market for the catalog and the trees,
which grows with the history; the indexer's statements grow with what the page shows.${
    scan.defaultTransport
      ? ` With viem's default HTTP transport, as the dApp sets it up, the log scan does not finish at all: "${scan.defaultTransport}" (every sale's log in one eth_getLogs answer); its times above are with the limit lifted.`
      : ""
  }`;
  process.stdout.write(`${body}\n`);
  if (WRITE) await writeBenchmarkSection("indexer", body);
} finally {
  await chain.stop();
}
