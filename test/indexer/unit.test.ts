/**
 * What needs neither a chain nor a database: settings, the lineage trees, and how the client reports an indexer
 * that is down, slow or broken (a plain HTTP server stands in for it; the chain-backed files test the rest).
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { indexerSettingsFromEnv, rpcLanes } from "@superdist/indexer";
import {
  buildLicenseTrees,
  createIndexerClient,
  getCatalog,
  getIndexStatus,
  IndexerError,
  waitForIndexedBlock,
} from "@superdist/indexer/client";
import { createPublicClient, http } from "viem";
import { afterEach, describe, expect, test } from "vitest";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on. */
async function closedUrl(): Promise<string> {
  const url = await serve(() => {});
  const server = servers.pop() as Server;
  server.close();
  await once(server, "close");
  return url;
}

async function rejection(promise: Promise<unknown>): Promise<IndexerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IndexerError);
  return error as IndexerError;
}

describe("settings", () => {
  test("a loopback RPC URL is listed once per lane, a hosted one as given", () => {
    expect(rpcLanes("http://127.0.0.1:8545", 3)).toEqual([
      "http://127.0.0.1:8545/?lane=0",
      "http://127.0.0.1:8545/?lane=1",
      "http://127.0.0.1:8545/?lane=2",
    ]);
    expect(rpcLanes("https://rpc.example/v2/key", 3)).toEqual(["https://rpc.example/v2/key"]);
    expect(rpcLanes("http://localhost:8545", 1)).toEqual(["http://localhost:8545"]);
  });

  test("the environment gives the deployment and the database; nonsense is refused by name", () => {
    const settings = indexerSettingsFromEnv({
      SUPERDIST_RPC_URL: "http://127.0.0.1:9000,https://rpc.example",
      SUPERDIST_CHAIN_ID: "10",
      SUPERDIST_MARKET: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      SUPERDIST_DEPLOY_BLOCK: "12",
      SUPERDIST_INDEXER_RPC_LANES: "2",
      SUPERDIST_INDEXER_DATA_DIR: "/var/lib/indexer",
    });
    expect(settings).toEqual({
      rpcUrls: ["http://127.0.0.1:9000/?lane=0", "http://127.0.0.1:9000/?lane=1", "https://rpc.example"],
      chainId: 10,
      market: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      deployBlock: 12,
      databaseUrl: undefined,
      pgliteDir: "/var/lib/indexer/pglite",
      pollingIntervalMs: 1000,
    });
    expect(indexerSettingsFromEnv({}).chainId).toBe(31337);
    expect(() => indexerSettingsFromEnv({ SUPERDIST_MARKET: "market" })).toThrow(/SUPERDIST_MARKET/);
    expect(() => indexerSettingsFromEnv({ SUPERDIST_DEPLOY_BLOCK: "-1" })).toThrow(/SUPERDIST_DEPLOY_BLOCK/);
  });
});

describe("lineage trees", () => {
  test("rows of several trees become one tree each, children in row order, earnings per node", () => {
    const owner = "0x0000000000000000000000000000000000000001" as const;
    const row = (tree: bigint, tokenId: bigint, parent: bigint, level: number) => ({
      tree,
      tokenId,
      contentId: 1n,
      owner,
      parent,
      level,
    });
    const trees = buildLicenseTrees(
      [row(1n, 1n, 0n, 0), row(1n, 2n, 1n, 1), row(1n, 4n, 1n, 1), row(1n, 3n, 2n, 2), row(3n, 3n, 2n, 0)],
      new Map([[3n, { [owner]: 5n }]]),
    );
    expect(trees.map((t) => t.tokenId)).toEqual([1n, 3n]);
    expect(trees[0]?.children.map((c) => c.tokenId)).toEqual([2n, 4n]);
    expect(trees[0]?.children[0]?.children[0]).toMatchObject({
      tokenId: 3n,
      level: 2,
      earned: { [owner]: 5n },
    });
    expect(trees[1]).toMatchObject({ tokenId: 3n, level: 0, children: [] });
  });
});

describe("an indexer that does not answer as it should", () => {
  test("nothing listening: INDEXER_UNAVAILABLE", async () => {
    const indexer = createIndexerClient({ url: await closedUrl() });
    expect((await rejection(getCatalog(indexer))).code).toBe("INDEXER_UNAVAILABLE");
  });

  test("no answer in time: INDEXER_UNAVAILABLE", async () => {
    const url = await serve(() => {});
    const indexer = createIndexerClient({ url, timeoutMs: 200 });
    const error = await rejection(getCatalog(indexer));
    expect(error.code).toBe("INDEXER_UNAVAILABLE");
    expect(error.shortMessage).toMatch(/200 ms/);
  });

  test("an error answer: INDEXER_QUERY_FAILED with the server's words", async () => {
    const url = await serve((_, response) => {
      response.writeHead(500).end("relation does not exist");
    });
    const error = await rejection(getCatalog(createIndexerClient({ url })));
    expect(error.code).toBe("INDEXER_QUERY_FAILED");
    expect(error.details).toMatch(/relation does not exist/);
  });

  test("rows missing from the answer: INDEXER_INVALID_RESPONSE", async () => {
    const url = await serve((_, response) => {
      response.writeHead(200, { "content-type": "application/json" }).end('{"nothing":true}');
    });
    expect((await rejection(getCatalog(createIndexerClient({ url })))).code).toBe("INDEXER_INVALID_RESPONSE");
  });

  test("status: unavailable, with the chain's head unknown when the chain is down too", async () => {
    const indexer = createIndexerClient({ url: await closedUrl() });
    const client = createPublicClient({ transport: http(await closedUrl(), { retryCount: 0 }) });
    const status = await getIndexStatus(indexer, { client });
    expect(status.state).toBe("unavailable");
    expect(status.chainBlock).toBeNull();
  });

  test("waiting for a block: resolves when the status reaches it, INDEX_BEHIND at the deadline", async () => {
    let block = 5;
    const url = await serve((_, response) => {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ market: { id: 31337, block: { number: block++, timestamp: 0 } } }));
    });
    const indexer = createIndexerClient({ url });
    expect(await waitForIndexedBlock(indexer, { blockNumber: 8n, pollingIntervalMs: 10 })).toBe(8n);
    const error = await rejection(
      waitForIndexedBlock(indexer, { blockNumber: 10_000n, timeoutMs: 100, pollingIntervalMs: 10 }),
    );
    expect(error.code).toBe("INDEX_BEHIND");
  });
});
