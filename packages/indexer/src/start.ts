/**
 * Runs the Ponder app as a child process and keeps it an index of the chain it was asked to follow: the sync
 * cache and the tables are dropped whenever the chain behind the RPC URL is a new one (a restarted local node
 * answers on the same URL with the same chain id, market address and block numbers, and Ponder would reuse the
 * old chain's cached logs without a word).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { superdistMarketAbi } from "@superdist/contracts";
import type { Address, Hash } from "viem";
import { createIndexerClient, type IndexerClient } from "./client.ts";
import { IndexerError } from "./errors.ts";

export const APP_DIR = fileURLToPath(new URL("../app/", import.meta.url));
const PONDER_BIN = join(dirname(fileURLToPath(import.meta.resolve("ponder"))), "bin/ponder.js");

export type StartIndexerParameters = {
  rpcUrl: string;
  chainId: number;
  market: Address;
  deployBlock: number;
  /** PGlite's files (when no `databaseUrl`) and the record of which chain the index holds. */
  dataDir: string;
  /** A PostgreSQL connection string; PGlite in `dataDir` when absent. */
  databaseUrl?: string;
  /** The PostgreSQL schema of the app's tables (default "superdist"). */
  databaseSchema?: string;
  /** Default 42069. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How often Ponder asks for a new block (default 250 ms). */
  pollingIntervalMs?: number;
  /** Copies of a loopback RPC URL, to lift Ponder's per-URL request rate (default 8). */
  rpcLanes?: number;
  /** How often the chain is checked for a restart (default 1 s). */
  chainCheckIntervalMs?: number;
  /** Every line Ponder prints (JSON) is appended here. */
  logFile?: string;
  /** Told when the index is dropped and rebuilt, and why. */
  onRebuild?: (reason: string) => void;
};

export type RunningIndexer = {
  url: string;
  client: IndexerClient;
  /** The Ponder process's id, while one runs (it changes when the index is rebuilt). */
  readonly pid: number | undefined;
  /** How many times the index was dropped and rebuilt since `startIndexer`, e.g. for a restarted chain. */
  readonly rebuilds: number;
  /** The last lines Ponder printed. */
  tail(): string;
  /** Stops Ponder with SIGINT, which releases its lock on the schema (SIGTERM leaves it held for 25 s). */
  stop(): Promise<void>;
};

/** What the index in `dataDir` (or the schema) was built from; anything different means starting over. */
type IndexRecord = {
  chainId: number;
  market: string;
  deployBlock: number;
  deployBlockHash: Hash;
  database: string;
  build: string;
};

const RECORD_FILE = "indexed-chain.json";

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(3000),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

/** The hash of the market's deployment block, or null when the node does not answer or has no such block. */
async function chainFingerprint(rpcUrl: string, deployBlock: number): Promise<Hash | null> {
  try {
    const block = await rpc<{ hash: Hash } | null>(rpcUrl, "eth_getBlockByNumber", [
      `0x${deployBlock.toString(16)}`,
      false,
    ]);
    return block?.hash ?? null;
  } catch {
    return null;
  }
}

/** The app's sources and the ABI: Ponder refuses a schema written by another build, so a change means a rebuild. */
async function buildFingerprint(): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(superdistMarketAbi));
  const files = ["ponder.config.ts", "ponder.schema.ts"];
  const walk = async (dir: string) => {
    for (const entry of await readdir(join(APP_DIR, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  await walk("src");
  for (const file of files.sort()) hash.update(file).update(await readFile(join(APP_DIR, file)));
  return hash.digest("hex").slice(0, 16);
}

function databaseLabel(databaseUrl: string | undefined, schema: string): string {
  if (!databaseUrl) return "pglite";
  const url = new URL(databaseUrl);
  return `postgres://${url.host}${url.pathname}#${schema}`;
}

async function portIsFree(port: number, host: string): Promise<boolean> {
  const server = createServer();
  const free = await new Promise<boolean>((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, host, () => resolve(true));
  });
  if (free) {
    server.close();
    await once(server, "close");
  }
  return free;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drops the index's tables and this chain's rows of Ponder's sync cache. */
async function dropIndex(parameters: StartIndexerParameters, schema: string): Promise<void> {
  if (!parameters.databaseUrl) {
    await rm(join(parameters.dataDir, "pglite"), { recursive: true, force: true });
    return;
  }
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: parameters.databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
    // The cache is shared by every app on the database, keyed by chain id; only this chain's rows go.
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
       WHERE table_schema = 'ponder_sync' AND column_name = 'chain_id'`,
    );
    for (const { table_name } of rows) {
      await client.query(`DELETE FROM ponder_sync."${table_name}" WHERE chain_id = $1`, [parameters.chainId]);
    }
  } finally {
    await client.end();
  }
}

/**
 * Starts the indexer and resolves once its HTTP server answers (the backfill may still be running: compare
 * `getIndexStatus` with the chain, or `waitForIndexedBlock`).
 *
 * @throws {IndexerError} `INDEXER_START_FAILED` if the chain never answers or Ponder exits before serving.
 */
export async function startIndexer(parameters: StartIndexerParameters): Promise<RunningIndexer> {
  const schema = parameters.databaseSchema ?? "superdist";
  const host = parameters.host ?? "127.0.0.1";
  const port = parameters.port ?? 42069;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const recordPath = join(parameters.dataDir, RECORD_FILE);
  // A list of replicas is Ponder's to balance; any one of them tells which chain is behind the URL.
  const probeUrl = parameters.rpcUrl.split(",")[0]?.trim() ?? parameters.rpcUrl;
  const log: WriteStream | undefined = parameters.logFile
    ? createWriteStream(parameters.logFile, { flags: "a" })
    : undefined;
  await mkdir(parameters.dataDir, { recursive: true });
  const build = await buildFingerprint();

  let child: ChildProcess | undefined;
  let tail: string[] = [];
  let stopping = false;
  let rebuilds = 0;
  let current: IndexRecord | undefined;
  let forceDrop = false;
  // Restarts, rebuilds and stop() run one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };

  const note = (line: string) => {
    tail = [...tail.slice(-79), line];
    log?.write(`${line}\n`);
  };

  /** Waits for the chain, then drops the index unless it was built from this very chain by this very app. */
  const prepare = async (deadline: number): Promise<void> => {
    let hash = await chainFingerprint(probeUrl, parameters.deployBlock);
    while (!hash) {
      if (Date.now() > deadline || stopping) {
        throw new IndexerError(
          "INDEXER_START_FAILED",
          `No block ${parameters.deployBlock} at ${parameters.rpcUrl}.`,
          {
            details: "The chain did not answer, or the market's deployment block is not on it.",
          },
        );
      }
      await sleep(250);
      hash = await chainFingerprint(probeUrl, parameters.deployBlock);
    }
    const wanted: IndexRecord = {
      chainId: parameters.chainId,
      market: parameters.market.toLowerCase(),
      deployBlock: parameters.deployBlock,
      deployBlockHash: hash,
      database: databaseLabel(parameters.databaseUrl, schema),
      build,
    };
    const stored = await readFile(recordPath, "utf8")
      .then((text) => JSON.parse(text) as IndexRecord)
      .catch(() => undefined);
    if (forceDrop || JSON.stringify(stored) !== JSON.stringify(wanted)) {
      // Written only after the drop, so that a crash in between drops again next time.
      await rm(recordPath, { force: true });
      await dropIndex(parameters, schema);
      await writeFile(recordPath, `${JSON.stringify(wanted, null, 2)}\n`);
      if (stored) {
        rebuilds++;
        parameters.onRebuild?.(
          forceDrop ? "the schema belonged to another build" : "the chain or the app changed",
        );
      }
      forceDrop = false;
    }
    current = wanted;
  };

  const launch = async (deadline: number): Promise<void> => {
    while (!(await portIsFree(port, host))) {
      if (Date.now() > deadline) {
        throw new IndexerError("INDEXER_START_FAILED", `Port ${port} on ${host} is in use.`);
      }
      await sleep(200);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PONDER_TELEMETRY_DISABLED: "true",
      SUPERDIST_RPC_URL: parameters.rpcUrl,
      SUPERDIST_CHAIN_ID: String(parameters.chainId),
      SUPERDIST_MARKET: parameters.market,
      SUPERDIST_DEPLOY_BLOCK: String(parameters.deployBlock),
      SUPERDIST_INDEXER_PGLITE_DIR: join(parameters.dataDir, "pglite"),
      SUPERDIST_INDEXER_POLLING_MS: String(parameters.pollingIntervalMs ?? 250),
      SUPERDIST_INDEXER_RPC_LANES: String(parameters.rpcLanes ?? 8),
      DATABASE_SCHEMA: schema,
    };
    delete env.DATABASE_URL;
    delete env.DATABASE_PRIVATE_URL;
    if (parameters.databaseUrl) env.DATABASE_URL = parameters.databaseUrl;
    const started = spawn(
      process.execPath,
      [
        PONDER_BIN,
        "start",
        "--root",
        APP_DIR,
        "--schema",
        schema,
        "--port",
        String(port),
        "--hostname",
        host,
        "--log-format",
        "json",
      ],
      { cwd: APP_DIR, env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = started;
    let served = false;
    let failure: string | undefined;
    const lines = (stream: NodeJS.ReadableStream) => {
      createInterface({ input: stream }).on("line", (line) => {
        note(line);
        if (line.includes('"Created HTTP server"')) served = true;
        if (line.includes("was previously used by a different Ponder app")) forceDrop = true;
        if (line.includes('"level":50') || line.includes('"level":60')) failure = line;
      });
    };
    if (started.stdout) lines(started.stdout);
    if (started.stderr) lines(started.stderr);
    started.once("exit", (code, signal) => {
      note(`ponder exited (${signal ?? code})`);
      // A Ponder that never served is the launching code's to handle.
      if (stopping || child !== started || !served) return;
      child = undefined;
      // Ponder gives up on an RPC that stays down and on a reorg deeper than it keeps; it is restarted once the
      // chain answers again, and `prepare` drops the index if that chain is a new one.
      void serially(() => restart("ponder exited")).catch((error) => note(`restart failed: ${error}`));
    });
    while (!served) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new IndexerError("INDEXER_START_FAILED", "Ponder exited before serving.", {
          details: failure ?? tail.slice(-10).join("\n"),
        });
      }
      if (Date.now() > deadline) {
        throw new IndexerError("INDEXER_START_FAILED", `Ponder did not serve on ${url} in time.`, {
          details: tail.slice(-10).join("\n"),
        });
      }
      await sleep(100);
    }
  };

  const halt = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGINT");
    const timer = setTimeout(() => running.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const restart = async (reason: string) => {
    if (stopping) return;
    note(`restarting: ${reason}`);
    await halt();
    for (let attempt = 0; !stopping; attempt++) {
      try {
        // A chain that is down is waited for as long as it takes; each attempt gives it a minute.
        await prepare(Date.now() + 60_000);
        await launch(Date.now() + 120_000);
        return;
      } catch (error) {
        note(`restart attempt ${attempt} failed: ${error}`);
        await halt();
        await sleep(Math.min(5000, 500 * 2 ** attempt));
      }
    }
  };

  const watch = setInterval(() => {
    if (stopping || !current) return;
    void chainFingerprint(probeUrl, parameters.deployBlock).then((hash) => {
      // No answer is not a new chain; when the node comes back, its deploy block tells.
      if (!hash || !current || hash === current.deployBlockHash || stopping) return;
      return serially(async () => {
        const again = await chainFingerprint(probeUrl, parameters.deployBlock);
        if (stopping || !current || !again || again === current.deployBlockHash) return;
        await restart(`block ${parameters.deployBlock} is now ${again}, not ${current.deployBlockHash}`);
      });
    });
  }, parameters.chainCheckIntervalMs ?? 1000);
  watch.unref();

  try {
    await serially(async () => {
      await prepare(Date.now() + 60_000);
      try {
        await launch(Date.now() + 120_000);
      } catch (error) {
        // One retry from scratch when the schema belongs to another build of the app.
        if (!forceDrop) throw error;
        await halt();
        await prepare(Date.now() + 60_000);
        await launch(Date.now() + 120_000);
      }
    });
  } catch (error) {
    stopping = true;
    clearInterval(watch);
    await halt();
    log?.end();
    throw error;
  }

  return {
    url,
    client: createIndexerClient({ url }),
    get rebuilds() {
      return rebuilds;
    },
    get pid() {
      return child?.pid;
    },
    tail: () => tail.join("\n"),
    async stop() {
      stopping = true;
      clearInterval(watch);
      await serially(halt);
      log?.end();
    },
  };
}
