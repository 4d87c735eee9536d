/**
 * Deploys the market (and, on a local chain or with SUPERDIST_DEMO_TOKEN=1, the demo ERC-20) through Ignition,
 * then records the addresses where the TypeScript library and the dApp import them.
 *
 *   npx hardhat run scripts/deploy.ts --network localhost   # the local node (SUPERDIST_RPC_URL, default :8545)
 *   npx hardhat run scripts/deploy.ts --network remote      # any EVM chain: SUPERDIST_RPC_URL, SUPERDIST_DEPLOYER_KEY
 *
 * SUPERDIST_DEPLOYMENT_OUT=<file.json> writes the record there instead (startLocalChain uses it).
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Deployment, deployments, LOCAL_CHAIN_ID } from "@superdist/contracts";
import hre, { network } from "hardhat";
import DemoTokenModule from "../ignition/modules/DemoToken.ts";
import SuperdistModule from "../ignition/modules/Superdist.ts";

const DEPLOYED_SOURCES = ["../contracts/SuperdistMarket.sol", "../contracts/demo/DemoToken.sol"].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

/** One entry per chain, rewritten on every deploy. JSON has no comments, so its name says it is generated. */
const DEPLOYMENTS_FILE = new URL("../packages/contracts/src/deployments.generated.json", import.meta.url);

// What is deployed, and only that: a cold build of the test contracts besides takes four times as long, and the
// local stack and the tests run this with --no-compile.
await hre.tasks.getTask("build").run({ files: DEPLOYED_SOURCES, quiet: true, noTests: true });

const connection = await network.create();
const publicClient = await connection.viem.getPublicClient();
const chainId = await publicClient.getChainId();
const local = chainId === LOCAL_CHAIN_ID;
const deploymentId = process.env.SUPERDIST_DEPLOYMENT_ID ?? `chain-${chainId}`;

const journal = new URL(`../ignition/deployments/${deploymentId}/`, import.meta.url);
// A local node starts empty each time, so the journal of an earlier local deployment no longer applies.
if (local && (await publicClient.getBlockNumber()) === 0n) {
  await rm(journal, { recursive: true, force: true });
}
await refuseStaleJournal();

const { market } = await connection.ignition.deploy(SuperdistModule, { deploymentId });
await requireCode(market.address, "market");
let demoToken: `0x${string}` | undefined;
if (local || process.env.SUPERDIST_DEMO_TOKEN === "1") {
  demoToken = (await connection.ignition.deploy(DemoTokenModule, { deploymentId })).demoToken.address;
}

const deployBlock = await findDeployBlock(market.address);
const record: Deployment = { chainId, market: market.address, demoToken, deployBlock };

if (process.env.SUPERDIST_DEPLOYMENT_OUT) {
  await writeFile(process.env.SUPERDIST_DEPLOYMENT_OUT, `${JSON.stringify(record, null, 2)}\n`);
} else {
  const records = { ...deployments, [chainId]: record };
  await writeFile(DEPLOYMENTS_FILE, `${JSON.stringify(records, null, 2)}\n`);
}
console.log(JSON.stringify(record));

/**
 * Ignition resumes from its journal: on a new chain that reuses a chain id (a restarted anvil or Hardhat node
 * with blocks mined), it would report contracts that do not exist there. Each address the journal names must
 * have code on this chain.
 */
async function refuseStaleJournal(): Promise<void> {
  const recorded = await readFile(new URL("deployed_addresses.json", journal), "utf8").catch(() => undefined);
  if (recorded === undefined) return;
  for (const [future, address] of Object.entries(JSON.parse(recorded) as Record<string, `0x${string}`>)) {
    const code = await publicClient.getCode({ address });
    if (!code || code === "0x") {
      throw new Error(
        `The deployment journal ${fileURLToPath(journal)} says ${future} is at ${address}, but chain ${chainId} has no ` +
          `code there: it is the journal of another chain with the same id. Delete that folder to deploy afresh ` +
          `(or set SUPERDIST_DEPLOYMENT_ID to keep it), then run the deploy again.`,
      );
    }
  }
}

async function requireCode(address: `0x${string}`, name: string): Promise<void> {
  const code = await publicClient.getCode({ address });
  if (!code || code === "0x")
    throw new Error(`The ${name} reported at ${address} has no code on chain ${chainId}.`);
}

/** The first block where the market has code: where event scans start. */
async function findDeployBlock(address: `0x${string}`): Promise<number> {
  let low = 0n;
  let high = await publicClient.getBlockNumber();
  while (low < high) {
    const mid = (low + high) / 2n;
    const code = await publicClient.getCode({ address, blockNumber: mid });
    if (code && code !== "0x") high = mid;
    else low = mid + 1n;
  }
  return Number(low);
}
