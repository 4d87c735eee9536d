/**
 * Deployments that can be trusted, on real Hardhat nodes: a journal left by another chain with the same id is
 * refused in words, a deploy records only a market that has code, and a client pointed at a market other than
 * the recorded one reads its history from that market's own start.
 */
import assert from "node:assert/strict";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@superdist/contracts";
import { createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, test } from "vitest";
import {
  devPrivateKeys,
  type LocalChain,
  ROOT,
  startLocalChain,
  withDeployLock,
} from "../../scripts/stack/chain.ts";
import { freePort } from "../../scripts/stack/ports.ts";
import { runCommand, type Service, startService, waitUntil } from "../../scripts/stack/processes.ts";
import { runCli } from "./harness.ts";

const HARDHAT = join(ROOT, "node_modules/hardhat/dist/src/cli.js");
const JOURNALS = join(ROOT, "ignition/deployments");

describe("deployments", () => {
  let recorded: LocalChain;
  let fresh: Service;
  let freshUrl: string;
  let client: PublicClient;
  let dir: string;
  const journals: string[] = [];

  const deploy = async (deploymentId: string) => {
    const out = join(dir, `${deploymentId}.json`);
    // Deploys take turns with the other test files' (see withDeployLock).
    await withDeployLock(() =>
      runCommand(process.execPath, [HARDHAT, "run", "scripts/deploy.ts", "--network", "localhost"], {
        cwd: ROOT,
        env: {
          SUPERDIST_RPC_URL: freshUrl,
          SUPERDIST_DEPLOYMENT_OUT: out,
          SUPERDIST_DEPLOYMENT_ID: deploymentId,
        },
      }),
    );
    return JSON.parse(await readFile(out, "utf8")) as Required<Deployment>;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "superdist-deploy-"));
    // A deployment whose journal is then found by a node that reuses its chain id: Hardhat's 31337.
    recorded = await startLocalChain();
    const port = await freePort();
    freshUrl = `http://127.0.0.1:${port}`;
    fresh = startService(
      "hardhat node",
      process.execPath,
      [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)],
      {
        cwd: ROOT,
      },
    );
    client = createPublicClient({ chain: hardhat, transport: http(freshUrl) }) as PublicClient;
    await waitUntil(fresh, async () => (await client.getBlockNumber()) >= 0n, 60_000);
    // A chain that has lived a little: blocks mined, and the deployer's nonce moved on, so that its market is
    // not at the address recorded for this chain id.
    const deployer = createWalletClient({
      account: privateKeyToAccount(devPrivateKeys[0]),
      chain: hardhat,
      transport: http(freshUrl),
    });
    await deployer.sendTransaction({ to: privateKeyToAccount(devPrivateKeys[9]).address, value: 1n });
    await client.request({ method: "hardhat_mine" as never, params: ["0x5"] as never });
  });

  afterAll(async () => {
    await fresh?.stop();
    await recorded?.stop();
    for (const journal of journals) await rm(join(JOURNALS, journal), { recursive: true, force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("a journal of another chain with the same id is refused, naming the folder to delete", async () => {
    const stale = `stale-${Date.now()}`;
    journals.push(stale);
    const source = (await readdir(JOURNALS)).find((name) =>
      name.startsWith(`local-${new URL(recorded.rpcUrl).port}-`),
    );
    assert.ok(source, "the recorded chain's journal");
    await cp(join(JOURNALS, source), join(JOURNALS, stale), { recursive: true });
    await assert.rejects(deploy(stale), (error: Error) => {
      assert.match(error.message, /has no code there: it is the journal of another chain with the same id/);
      assert.match(error.message, /Delete that folder/);
      assert.ok(error.message.includes(join(JOURNALS, stale)), error.message);
      return true;
    });
  });

  test("a deploy to a chain with mined blocks records a market that has code, and its own deploy block", async () => {
    const id = `fresh-${Date.now()}`;
    journals.push(id);
    const record = await deploy(id);
    assert.notEqual(record.market.toLowerCase(), recorded.market.toLowerCase());
    const code = await client.getCode({ address: record.market });
    assert.ok(code && code.length > 2, "the market has code");
    assert.equal(
      await client.getCode({ address: record.market, blockNumber: BigInt(record.deployBlock - 1) }),
      undefined,
    );
    assert.ok(record.deployBlock > 5);

    // The generated record knows another market for this chain id: this one's history starts at 0 unless told.
    const run = (args: string[]) =>
      runCli([...args, "--rpc", freshUrl, "--market", record.market, "--json"], {
        cwd: dir,
        env: { SUPERDIST_PRIVATE_KEY: devPrivateKeys[3] },
      });
    const fromZero = await run(["rewards"]);
    assert.equal(fromZero.code, 0, fromZero.stderr);
    assert.deepEqual(JSON.parse(fromZero.stdout).licenses, []);
    const fromItsBlock = await run(["rewards", "--from-block", String(record.deployBlock)]);
    assert.equal(fromItsBlock.code, 0, fromItsBlock.stderr);
    const bad = await run(["rewards", "--from-block", "soon"]);
    assert.equal(bad.code, 2);
  });
});
