/**
 * The indexer against a real Hardhat node, once per database. Each run: a scripted history (indexed by a backfill,
 * or live as it happens), every row compared with the chain, a purchase made while it runs, and two chain restarts
 * on the same URL (one under the running indexer, one between runs on the same data), after which the index must
 * hold the new chain only.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { superdistMarketAbi } from "@superdist/contracts";
import { type RunningIndexer, startIndexer } from "@superdist/indexer";
import {
  getAccountLicenses,
  getDescendants,
  getIndexStatus,
  type IndexerClient,
  waitForIndexedBlock,
} from "@superdist/indexer/client";
import { findOwnedLicense } from "@superdist/sdk";
import type { PrivateKeyAccount } from "viem";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type LocalChain, startLocalChain } from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { runCli } from "../cli/harness.ts";
import { expectIndexEqualsChain, type Market, marketOn, scriptHistory } from "./history.ts";

const MINUTE = 60_000;

export type Database = { databaseUrl?: string; stop(): Promise<void> };

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen in ${timeoutMs / 1000} s`, { cause: lastError });
}

/** Waits until the index has caught up with `market`'s chain, and checks it is an index of that chain. */
async function caughtUp(indexer: IndexerClient, market: Market): Promise<void> {
  const head = await market.publicClient.getBlockNumber({ cacheTime: 0 });
  await waitForIndexedBlock(indexer, { blockNumber: head, timeoutMs: 2 * MINUTE });
  const status = await getIndexStatus(indexer, { client: market.publicClient, market: market.chain.market });
  expect(status.state).toBe("caught-up");
}

/** A second, small history: one content and one sale, so that nothing of the first chain can pass for it. */
async function otherHistory(market: Market): Promise<void> {
  const [, , , , , , , , buyer, publisher] = market.accounts as PrivateKeyAccount[];
  const content = await market.publish(publisher as PrivateKeyAccount, {
    price: 7n,
    currency: "0x0000000000000000000000000000000000000000",
    rewardBps: [100],
    title: "Another chain",
  });
  await market.buy(buyer as PrivateKeyAccount, content);
}

export function indexerSuite(options: {
  database: () => Promise<Database>;
  indexLive: boolean;
  /** The database can be asked for its index definitions (PostgreSQL). */
  indexes?: boolean;
}): void {
  let database: Database;
  let chain: LocalChain;
  let market: Market;
  let indexer: RunningIndexer;
  let dataDir: string;
  let indexerPort: number;
  const start = () =>
    startIndexer({
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
      market: chain.market,
      deployBlock: chain.deployBlock,
      dataDir,
      databaseUrl: database.databaseUrl,
      port: indexerPort,
    });

  beforeAll(async () => {
    database = await options.database();
    dataDir = await mkdtemp(join(tmpdir(), "superdist-indexer-"));
    indexerPort = await freePort();
    chain = await startLocalChain();
    market = marketOn(chain);
    if (options.indexLive) {
      indexer = await start();
      await scriptHistory(market);
    } else {
      await scriptHistory(market);
      indexer = await start();
    }
  }, 5 * MINUTE);

  afterAll(async () => {
    await indexer?.stop();
    await chain?.stop();
    await database?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 2 * MINUTE);

  test(
    "every row equals what the chain says",
    async () => {
      await caughtUp(indexer.client, market);
      const compared = await expectIndexEqualsChain(indexer.client, market);
      // Pins the size of the history, so that a change leaving little to compare shows here.
      expect(compared).toEqual({ licenses: 39, credits: 23, claims: 3 });
    },
    5 * MINUTE,
  );

  test(
    "`superdist rewards` reads the index: the trees, credits, claims and amounts of the log scan",
    async () => {
      await caughtUp(indexer.client, market);
      const holder = await market.publicClient.readContract({
        address: chain.market,
        abi: superdistMarketAbi,
        functionName: "ownerOf",
        args: [1n],
      });
      const index = market.accounts.findIndex((account) => account.address === holder);
      const rewards = async (extra: string[]) => {
        const result = await runCli(
          ["rewards", "--rpc", chain.rpcUrl, "--market", chain.market, "--json", ...extra],
          {
            cwd: dataDir,
            env: { SUPERDIST_PRIVATE_KEY: chain.privateKeys[index] },
          },
        );
        expect(result.code, result.stderr).toBe(0);
        return { ...JSON.parse(result.stdout), stderr: result.stderr };
      };
      const scanned = await rewards(["--from-block", String(chain.deployBlock)]);
      const indexed = await rewards(["--indexer", indexer.url]);
      expect(indexed.stderr).toBe("");
      const tree = (
        nodes: { tokenId: string; contentId: string; level: number; earned: object; children: [] }[],
      ): unknown =>
        nodes.map(({ tokenId, contentId, level, earned, children }) => ({
          tokenId,
          contentId,
          level,
          earned,
          children: tree(children),
        }));
      const pick = (rows: Record<string, unknown>[], keys: string[]) =>
        rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key]])));
      const creditKeys = [
        "currency",
        "tokenId",
        "ancestorTokenId",
        "level",
        "amount",
        "blockNumber",
        "transactionHash",
      ];
      const claimKeys = ["currency", "to", "amount", "blockNumber", "transactionHash"];
      expect(indexed.licenses.length).toBeGreaterThan(0);
      expect(indexed.credits.length).toBeGreaterThan(0);
      expect(tree(indexed.licenses)).toEqual(tree(scanned.licenses));
      expect(pick(indexed.credits, creditKeys)).toEqual(pick(scanned.credits, creditKeys));
      expect(pick(indexed.claims, claimKeys)).toEqual(pick(scanned.claims, claimKeys));
      expect(indexed.claimable).toEqual(scanned.claimable);

      // An indexer that does not answer is said so, and the log scan answers instead.
      const fallback = await rewards(["--indexer", `http://127.0.0.1:${await freePort()}`]);
      expect(fallback.stderr).toMatch(/is unavailable\. Reading the market's logs instead\./);
      expect(tree(fallback.licenses)).toEqual(tree(scanned.licenses));
    },
    5 * MINUTE,
  );

  test(
    "finding a license already owned asks the index, then only the blocks after it, and the chain for each owner",
    async () => {
      await caughtUp(indexer.client, market);
      const [, , , , , , buyer, other] = market.accounts as PrivateKeyAccount[];
      const content = await market.publish(market.accounts[1] as PrivateKeyAccount, {
        price: 5n,
        currency: "0x0000000000000000000000000000000000000000",
        rewardBps: [],
        title: "Owned once",
      });
      const find = (account: PrivateKeyAccount) =>
        findOwnedLicense(market.publicClient, {
          market: chain.market,
          contentId: content,
          account: account.address,
          indexer: indexer.client,
        });
      // Asked the moment it is bought, and the moment it is given away: whether or not the index has the block yet.
      const tokenId = await market.buy(buyer, content);
      expect((await find(buyer))?.tokenId).toBe(tokenId);
      await market.send(buyer, "transferFrom", [buyer.address, other.address, tokenId]);
      expect(await find(buyer)).toBeUndefined();
      expect((await find(other))?.tokenId).toBe(tokenId);
      await caughtUp(indexer.client, market);
      expect(await find(buyer)).toBeUndefined();
      expect((await find(other))?.tokenId).toBe(tokenId);
    },
    5 * MINUTE,
  );

  // Only PostgreSQL has the index to inspect; PGlite runs the rest of the suite.
  if (options.indexes) {
    test("the lineage index is the range index the descendants' query needs", async () => {
      // Ponder writes index statements through its own copy of drizzle-kit, which drops `.op()` without a word.
      const { default: pg } = await import("pg");
      const db = new pg.Client({ connectionString: database.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ indexdef: string }>(
          "SELECT indexdef FROM pg_indexes WHERE schemaname = 'superdist' AND indexname = 'license_lineage_index'",
        );
        expect(rows.map((r) => r.indexdef)).toEqual([
          expect.stringMatching(/\(root, path text_pattern_ops\)$/),
        ]);
      } finally {
        await db.end();
      }
    });
  }

  test(
    "a purchase made while it runs appears",
    async () => {
      await caughtUp(indexer.client, market);
      const buyer = market.accounts[8] as PrivateKeyAccount;
      const tokenId = await market.buy(buyer, 1n, 1n);
      // Asserting that it appears, not how fast: the benchmark measures the lag.
      await until("the new license in the index", async () => {
        const licenses = await getAccountLicenses(indexer.client, { account: buyer.address });
        return licenses.some((l) => l.tokenId === tokenId) ? true : undefined;
      });
      const descendants = await getDescendants(indexer.client, { tokenId: 1n });
      expect(descendants.map((d) => d.tokenId)).toContain(tokenId);
      await caughtUp(indexer.client, market);
      await expectIndexEqualsChain(indexer.client, market);
    },
    5 * MINUTE,
  );

  test(
    "a restarted chain is detected and the index rebuilt from it alone",
    async () => {
      const port = Number(new URL(chain.rpcUrl).port);
      const oldHash = (await market.publicClient.getBlock({ blockNumber: BigInt(chain.deployBlock) })).hash;

      // Under the running indexer: the same URL, chain id, market address and block numbers, another chain.
      await chain.stop();
      chain = await startLocalChain({ port });
      market = marketOn(chain);
      const newHash = (await market.publicClient.getBlock({ blockNumber: BigInt(chain.deployBlock) })).hash;
      expect(newHash).not.toBe(oldHash);
      await otherHistory(market);
      const seen = new Set<string>();
      await until(
        "the index of the new chain",
        async () => {
          const status = await getIndexStatus(indexer.client, { client: market.publicClient });
          seen.add(status.state);
          // Whatever the index says of itself while it rebuilds, it never passes the old chain for the new one.
          if (status.state === "behind" || status.state === "caught-up") {
            if (status.indexed) expect(status.indexed.deployBlockHash).toBe(newHash);
          }
          if (status.state !== "caught-up") return undefined;
          const head = await market.publicClient.getBlockNumber({ cacheTime: 0 });
          return status.indexedBlock >= head ? true : undefined;
        },
        3 * MINUTE,
      );
      expect(indexer.rebuilds).toBe(1);
      await expectIndexEqualsChain(indexer.client, market);

      // Between runs: the indexer starts again on the same data, after the chain restarted once more.
      await indexer.stop();
      await chain.stop();
      chain = await startLocalChain({ port });
      market = marketOn(chain);
      await otherHistory(market);
      await otherHistory(market);
      indexer = await start();
      expect(indexer.rebuilds).toBe(1);
      await caughtUp(indexer.client, market);
      await expectIndexEqualsChain(indexer.client, market);
    },
    8 * MINUTE,
  );
}
