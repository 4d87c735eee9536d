/**
 * The whole product on one machine, on 127.0.0.1 only: a Hardhat node, the Ignition deployment, the verifier, the
 * WebSocket tracker, the indexer (on PGlite) and the dApp (production build), plus a seeded demo catalog. `npm start` runs it; the stack
 * test starts and stops it the same way.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Deployment } from "@superdist/contracts";
import { type RunningIndexer, startIndexer } from "@superdist/indexer";
import { waitForIndexedBlock } from "@superdist/indexer/client";
import { loadIdentity } from "@superdist/verifier";
import { createPublicClient, http } from "viem";
import { buildWeb } from "../build-web.ts";
import { startLocalChain } from "./chain.ts";
import { assertPortsFree, type Ports, portsFromEnv } from "./ports.ts";
import { httpOk, type Service, startService, waitUntil } from "./processes.ts";
import { type SeedResult, seedDemo } from "./seed.ts";

export type StackOptions = {
  root: string;
  ports?: Ports;
  /** Where logs, identities and demo packages go; wiped on every start (the chain starts empty too). */
  stateDir?: string;
  seed?: boolean;
  log?: (line: string) => void;
};

export type Stack = Required<Deployment> & {
  urls: { rpc: string; verifier: string; tracker: string; dapp: string; share: string; indexer: string };
  stateDir: string;
  services: Service[];
  indexer: RunningIndexer;
  seed?: SeedResult;
  stop(): Promise<void>;
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const { root } = options;
  const log = options.log ?? (() => {});
  const ports = options.ports ?? portsFromEnv();
  await assertPortsFree(ports);
  const stateDir = options.stateDir ?? join(root, ".superdist");
  await rm(join(stateDir, "demo"), { recursive: true, force: true });
  await mkdir(join(stateDir, "logs"), { recursive: true });
  const urls = {
    rpc: `http://127.0.0.1:${ports.rpc}`,
    verifier: `http://127.0.0.1:${ports.verifier}`,
    tracker: `ws://127.0.0.1:${ports.tracker}`,
    dapp: `http://127.0.0.1:${ports.dapp}`,
    share: `http://127.0.0.1:${ports.share}`,
    indexer: `http://127.0.0.1:${ports.indexer}`,
  };
  const services: Service[] = [];
  let indexer: RunningIndexer | undefined;
  let indexing: Promise<RunningIndexer> | undefined;
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    await indexer?.stop();
  };
  const node = process.execPath;
  const logFile = (name: string) => join(stateDir, "logs", `${name}.log`);

  // The dApp's build and the chain's compile and deploy are the two long waits of a cold start: side by side.
  log("dApp: production build (made once, and again only when its sources change)…");
  const building = buildWeb();
  building.catch(() => undefined);
  try {
    const chain = await startLocalChain({ port: ports.rpc, logFile: logFile("chain") });
    services.push(chain);
    const { chainId, market, demoToken, deployBlock } = chain;
    log(`chain ${chainId} at ${urls.rpc}: market ${market}, demo token ${demoToken}`);

    const serviceEnv = {
      SUPERDIST_RPC_URL: urls.rpc,
      SUPERDIST_CHAIN_ID: String(chainId),
      SUPERDIST_MARKET: market,
      SUPERDIST_DEMO_TOKEN: demoToken,
      SUPERDIST_DEPLOY_BLOCK: String(deployBlock),
      SUPERDIST_VERIFIER_URL: urls.verifier,
      SUPERDIST_TRACKER_URL: urls.tracker,
      SUPERDIST_INDEXER_URL: urls.indexer,
    };
    // Clean on each start, as the chain is: an index of the last run's chain would only be dropped again.
    const indexerDir = join(stateDir, "indexer");
    await rm(indexerDir, { recursive: true, force: true });
    indexing = startIndexer({
      rpcUrl: urls.rpc,
      chainId,
      market,
      deployBlock,
      dataDir: indexerDir,
      port: ports.indexer,
      logFile: logFile("indexer"),
    }).then((running) => {
      indexer = running;
      return running;
    });
    // Awaited once the dApp is up; until then a failure must not count as unhandled.
    indexing.catch(() => undefined);
    // The verifier's identity survives restarts, so demo packages of an earlier run stay re-keyable in principle.
    const verifierIdentityFile = join(stateDir, "verifier-identity.txt");
    await loadIdentity({ identityFile: verifierIdentityFile, generate: true });
    const verifier = startService("verifier", node, [join(root, "packages/verifier/src/main.ts")], {
      cwd: root,
      env: {
        ...serviceEnv,
        SUPERDIST_VERIFIER_PORT: String(ports.verifier),
        SUPERDIST_VERIFIER_IDENTITY_FILE: verifierIdentityFile,
      },
      logFile: logFile("verifier"),
    });
    services.push(verifier);
    const tracker = startService("tracker", node, [join(root, "scripts/tracker.ts")], {
      cwd: root,
      env: { SUPERDIST_TRACKER_PORT: String(ports.tracker) },
      logFile: logFile("tracker"),
    });
    services.push(tracker);
    await waitUntil(verifier, () => httpOk(`${urls.verifier}/health`), 30_000);
    await waitUntil(tracker, () => httpOk(`http://127.0.0.1:${ports.tracker}/stats.json`), 30_000);
    log(`verifier at ${urls.verifier}, tracker at ${urls.tracker}`);

    await building;
    const next = join(root, "node_modules/next/dist/bin/next");
    const dapp = startService("dApp", node, [next, "start", "-H", "127.0.0.1", "-p", String(ports.dapp)], {
      cwd: join(root, "web"),
      env: { ...serviceEnv, NEXT_TELEMETRY_DISABLED: "1" },
      logFile: logFile("dapp"),
    });
    services.push(dapp);

    let seed: SeedResult | undefined;
    if (options.seed ?? true) {
      seed = await seedDemo({
        root,
        dir: join(stateDir, "demo"),
        rpcUrl: urls.rpc,
        verifierUrl: urls.verifier,
        dappUrl: urls.dapp,
        trackerUrl: urls.tracker,
        shareUrl: urls.share,
        market,
        demoToken,
        privateKeys: chain.privateKeys,
        log,
      });
      // The publisher's copies are served from the start, by the CLI as any publisher would run it.
      const share = startService(
        "share",
        node,
        [
          join(root, "packages/cli/bin/superdist.ts"),
          "share",
          ...seed.publisherCopies,
          "--port",
          String(ports.share),
          "--tracker",
          urls.tracker,
          "--dapp",
          urls.dapp,
        ],
        { cwd: root, logFile: logFile("share") },
      );
      services.push(share);
      await waitUntil(share, () => httpOk(`${urls.share}/`), 30_000);
      log(`web seed of the publisher's copies at ${urls.share}`);
    }
    await waitUntil(dapp, () => httpOk(urls.dapp), 60_000);
    log(`dApp at ${urls.dapp}`);
    const running = await indexing;
    const head = await createPublicClient({ transport: http(urls.rpc) }).getBlockNumber({ cacheTime: 0 });
    await waitForIndexedBlock(running.client, { blockNumber: head, timeoutMs: 120_000 });
    log(`indexer at ${urls.indexer}, at block ${head}`);
    return {
      urls,
      chainId,
      market,
      demoToken,
      deployBlock,
      stateDir,
      services,
      seed,
      indexer: running,
      stop,
    };
  } catch (error) {
    // A start still under way is stopped once it is up, and a build is let finish, so that nothing outlives a
    // failed start (a second `next build` on the same folder would collide with it).
    indexer ??= await indexing?.catch(() => undefined);
    await building.catch(() => undefined);
    await stop();
    throw error;
  }
}
