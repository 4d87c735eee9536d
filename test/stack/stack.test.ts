/**
 * `npm start`'s stack, started as the start script does: every service answers, the demo catalog is on chain,
 * a taken port is named by its variable, and stopping leaves no process behind.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeMetadata, ETH, getContent, superdistMarketAbi } from "@superdist/contracts";
import { getCatalog } from "@superdist/indexer/client";
import { fetchCopy, parseMagnet } from "@superdist/sdk";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ROOT } from "../../scripts/stack/chain.ts";
import { freePort, PortInUseError, type Ports } from "../../scripts/stack/ports.ts";
import { isAlive } from "../../scripts/stack/processes.ts";
import { type Stack, startStack } from "../../scripts/stack/stack.ts";

async function freePorts(): Promise<Ports> {
  return {
    rpc: await freePort(),
    verifier: await freePort(),
    tracker: await freePort(),
    dapp: await freePort(),
    share: await freePort(),
    indexer: await freePort(),
  };
}

describe("the local stack", () => {
  let stack: Stack;
  let stateDir: string;
  let ports: Ports;
  const pids: number[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "superdist-stack-"));
    ports = await freePorts();
    stack = await startStack({ root: ROOT, ports, stateDir });
    for (const service of stack.services) if (service.child.pid) pids.push(service.child.pid);
    if (stack.indexer.pid) pids.push(stack.indexer.pid);
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("serves the RPC, the verifier, the tracker and the dApp on 127.0.0.1", async () => {
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    assert.equal(await client.getChainId(), 31337);
    const health = await (await fetch(`${stack.urls.verifier}/health`)).json();
    assert.equal(health.status, "ok");
    const { recipient } = await (await fetch(`${stack.urls.verifier}/v1/recipient`)).json();
    assert.match(recipient, /^age1/);
    const stats = await (await fetch(`http://127.0.0.1:${ports.tracker}/stats.json`)).json();
    assert.equal(typeof stats.torrents, "number");
    const socket = new WebSocket(stack.urls.tracker);
    await once(socket, "open");
    socket.close();
    const page = await fetch(stack.urls.dapp);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/);
  });

  it("seeds three demo contents in two currencies with different schedules, and purchases through copies", async () => {
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    const read = <T>(functionName: string, args: unknown[] = []) =>
      client.readContract({
        address: stack.market,
        abi: superdistMarketAbi,
        functionName,
        args,
      } as never) as Promise<T>;
    assert.equal(await read<bigint>("contentCount"), 3n);
    const contents = await Promise.all(
      [1n, 2n, 3n].map((id) =>
        read<{ currency: string; rewardBps: number[]; title: string }>("content", [id]),
      ),
    );
    assert.deepEqual(
      contents.map((c) => c.currency),
      [ETH, stack.demoToken, ETH],
    );
    assert.equal(new Set(contents.map((c) => c.rewardBps.join(","))).size, 3);
    // Each with a cover, as the catalog shows it.
    for (const id of [1n, 2n, 3n]) {
      const { metadataURI } = await getContent(client, { market: stack.market, contentId: id });
      assert.match(decodeMetadata(metadataURI).image ?? "", /^data:image\/svg\+xml;base64,/);
    }
    assert.equal(await read<bigint>("totalSupply"), 6n);
    // C bought through B's copy of the picture, which B bought through A's: a three-generation lineage.
    assert.deepEqual(await read<bigint[]>("lineageOf", [3n]), [2n, 1n]);
    const seed = stack.seed;
    assert.ok(seed);
    assert.ok((await read<bigint>("claimable", [seed.accounts.A.address, ETH])) > 0n);
    assert.ok((await read<bigint>("claimable", [seed.accounts.A.address, stack.demoToken])) > 0n);
    const packages = await readdir(join(stateDir, "demo", "C"));
    assert.ok(packages.includes("harbour-at-dusk.svg.license-3.superdist"), packages.join(", "));
  });

  it("serves every demo content's publisher copy from `superdist share`, where its metadata says", async () => {
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    for (const [index, copy] of (stack.seed?.publisherCopies ?? []).entries()) {
      const { metadataURI } = await getContent(client, {
        market: stack.market,
        contentId: BigInt(index + 1),
      });
      const { magnet } = decodeMetadata(metadataURI);
      assert.ok(magnet, `content #${index + 1} names no magnet`);
      assert.deepEqual(parseMagnet(magnet).trackers, [stack.urls.tracker]);
      const fetched = await fetchCopy({ source: magnet });
      assert.deepEqual(Buffer.from(await fetched.blob.arrayBuffer()), await readFile(copy));
    }
    assert.equal(stack.seed?.publisherCopies.length, 3);
  });

  it("runs the indexer on the new chain: the catalog it serves is the chain's, with every sale counted", async () => {
    const catalog = await getCatalog(stack.indexer.client);
    assert.deepEqual(
      catalog.map((entry) => [entry.contentId, entry.content.title]),
      (stack.seed?.contents ?? []).map((c) => [BigInt(c.contentId), c.title]).reverse(),
    );
    assert.equal(
      catalog.reduce((sum, entry) => sum + entry.sold, 0),
      6,
    );
    const page = await (await fetch(`${stack.urls.dapp}/`)).text();
    assert.ok(page.includes(stack.urls.indexer), "the dApp is not told where the indexer is");
  });

  it("refuses to start on a taken port, naming the variable to change", async () => {
    const blocker = createServer();
    const port = await freePort();
    blocker.listen(port, "127.0.0.1");
    await once(blocker, "listening");
    try {
      await assert.rejects(
        startStack({ root: ROOT, ports: { ...(await freePorts()), verifier: port }, stateDir, seed: false }),
        (error: unknown) => error instanceof PortInUseError && /SUPERDIST_VERIFIER_PORT/.test(error.message),
      );
    } finally {
      blocker.close();
    }
  });

  it("stops every service it started, leaving no process and freeing the ports", async () => {
    // The chain node, the verifier, the tracker, the dApp server, the web seed and the indexer.
    assert.equal(pids.length, 6);
    await stack.stop();
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} is still running`);
    for (const port of Object.values(ports)) {
      const server = createServer();
      server.listen(port, "127.0.0.1");
      await once(server, "listening");
      server.close();
    }
  });
});
