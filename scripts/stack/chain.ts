/**
 * A Hardhat node on 127.0.0.1 with the contracts deployed through the Ignition deploy script: what `npm start`,
 * the benchmarks and the end-to-end tests all run on. `stop()` kills the node and drops its deployment journal.
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "@superdist/contracts";
import { createPublicClient, type Hex, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { freePort } from "./ports.ts";
import { runCommand, type Service, startService, waitUntil } from "./processes.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HARDHAT = join(ROOT, "node_modules/hardhat/dist/src/cli.js");

/** Hardhat's public test mnemonic, whose accounts `hardhat node` funds: for local chains only. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Account 0 deploys (and owns the demo token); the others are free to play roles. */
export const devPrivateKeys: Hex[] = Array.from({ length: 10 }, (_, i) => {
  const key = mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: i }).getHdKey().privateKey;
  if (!key) throw new Error("no private key");
  return `0x${Buffer.from(key).toString("hex")}` as Hex;
});

/** A local chain always has the demo token, so its deployment has every field. */
export type LocalChain = Required<Deployment> & Service & { rpcUrl: string; privateKeys: Hex[] };

export type StartLocalChainParameters = {
  /** A free loopback port when not given. */
  port?: number;
  /** `hardhat node` (the default), or Foundry's `anvil` from npm: the same chain id, accounts and contracts. */
  node?: "hardhat" | "anvil";
  /** Every line the node prints is appended here. */
  logFile?: string;
};

/** Starts a node and deploys the market and the demo token. */
export async function startLocalChain(parameters: StartLocalChainParameters = {}): Promise<LocalChain> {
  const port = parameters.port ?? (await freePort());
  const rpcUrl = `http://127.0.0.1:${port}`;
  const node =
    parameters.node === "anvil"
      ? startService("anvil", anvilBinary(), ["--host", "127.0.0.1", "--port", String(port)], {
          cwd: ROOT,
          logFile: parameters.logFile,
        })
      : startService(
          "hardhat node",
          process.execPath,
          [HARDHAT, "node", "--hostname", "127.0.0.1", "--port", String(port)],
          { cwd: ROOT, logFile: parameters.logFile },
        );
  // A journal of its own, so that chains started side by side (or one after another) never share one.
  const deploymentId = `local-${port}-${Date.now()}`;
  const stop = async () => {
    await node.stop();
    await rm(join(ROOT, "ignition/deployments", deploymentId), { recursive: true, force: true });
  };
  try {
    const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) });
    await waitUntil(node, async () => (await client.getBlockNumber()) >= 0n, 60_000);
    const deployment = await deploy(rpcUrl, deploymentId);
    return { ...node, ...deployment, rpcUrl, privateKeys: devPrivateKeys, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// `@foundry-rs/anvil` finds its binary through a platform package; starting that directly saves a Node process.
function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const manifest = createRequire(import.meta.url).resolve(
    `@foundry-rs/anvil-${process.platform}-${arch}/package.json`,
  );
  return join(dirname(manifest), "bin", "anvil");
}

/**
 * Hardhat rewrites its compile cache on every run, through one temporary file: two deploys at once (test files
 * side by side) collide renaming it. So deploys take turns, across processes, behind a lock directory; one left
 * by a process that died is taken over after a few minutes.
 */
export async function withDeployLock<T>(run: () => Promise<T>): Promise<T> {
  const lock = join(ROOT, "cache", "deploy.lock");
  await mkdir(join(ROOT, "cache"), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (Date.now() > deadline) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function deploy(rpcUrl: string, deploymentId: string): Promise<Required<Deployment>> {
  return withDeployLock(() => deployOnce(rpcUrl, deploymentId));
}

async function deployOnce(rpcUrl: string, deploymentId: string): Promise<Required<Deployment>> {
  const dir = await mkdtemp(join(tmpdir(), "superdist-chain-"));
  try {
    const out = join(dir, "deployment.json");
    await runCommand(
      process.execPath,
      [HARDHAT, "run", "--no-compile", "scripts/deploy.ts", "--network", "localhost"],
      {
        cwd: ROOT,
        env: {
          SUPERDIST_RPC_URL: rpcUrl,
          SUPERDIST_DEPLOYMENT_OUT: out,
          SUPERDIST_DEPLOYMENT_ID: deploymentId,
        },
      },
    );
    return JSON.parse(await readFile(out, "utf8")) as Required<Deployment>;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
