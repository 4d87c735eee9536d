/**
 * A real Hardhat node on a free loopback port, with the contracts deployed through the Ignition deploy script.
 * Tests of the CLI, verifier, dApp and stack share it; each `stop()` kills the node and its deployment journal.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { devPrivateKeys } from "../../scripts/stack/accounts.ts";
import { runCommand } from "../../scripts/stack/processes.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HARDHAT = join(ROOT, "node_modules/hardhat/dist/src/cli.js");

/** Hardhat's default accounts: 0 deploys (and owns the demo token), the rest are free to play roles. */
export const testPrivateKeys = devPrivateKeys;

export type LocalChain = {
  rpcUrl: string;
  chainId: number;
  market: Address;
  demoToken: Address;
  deployBlock: number;
  privateKeys: Hex[];
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, log: () => string): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited: ${log()}`);
    try {
      await client.getBlockNumber();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`hardhat node did not answer at ${rpcUrl}: ${log()}`);
}

/** Starts a node and deploys the market and the demo token. */
export async function startLocalChain(): Promise<LocalChain> {
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node = spawn(process.execPath, [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    stdio: "pipe",
    detached: true,
  });
  let log = "";
  node.stdout?.on("data", (d) => {
    log = (log + d).slice(-4000);
  });
  node.stderr?.on("data", (d) => {
    log = (log + d).slice(-4000);
  });
  const dir = await mkdtemp(join(tmpdir(), "superdist-chain-"));
  const deploymentId = `test-${port}-${Date.now()}`;
  const stop = async () => {
    if (node.exitCode === null && node.pid) {
      const exited = once(node, "exit");
      process.kill(-node.pid, "SIGTERM");
      await exited;
    }
    await rm(join(ROOT, "ignition/deployments", deploymentId), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForRpc(rpcUrl, node, () => log);
    const out = join(dir, "deployment.json");
    await runCommand(process.execPath, [HARDHAT, "run", "scripts/deploy.ts", "--network", "localhost"], {
      cwd: ROOT,
      env: {
        SUPERDIST_RPC_URL: rpcUrl,
        SUPERDIST_DEPLOYMENT_OUT: out,
        SUPERDIST_DEPLOYMENT_ID: deploymentId,
      },
    });
    const record = JSON.parse(await readFile(out, "utf8"));
    return {
      rpcUrl,
      chainId: record.chainId,
      market: record.market,
      demoToken: record.demoToken,
      deployBlock: record.deployBlock,
      privateKeys: testPrivateKeys,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
