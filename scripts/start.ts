/**
 * `npm start`: the local stack in the foreground. Ctrl-C stops every service it started.
 * Settings come from the environment or a `.env` file (see `.env.example`).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatEther } from "viem";
import { type Stack, startStack } from "./stack/stack.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);

const say = (line: string) => process.stdout.write(`${line}\n`);
let stack: Stack | undefined;
let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  say("\nStopping the local stack…");
  await stack?.stop();
  say("Stopped. Nothing is left running.");
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  say("Starting the superdist local stack (127.0.0.1 only)…");
  stack = await startStack({
    root,
    seed: process.env.SUPERDIST_DEMO !== "0",
    log: (line) => say(`  ${line}`),
  });
  const { urls, seed } = stack;
  const lines = [
    "",
    "superdist is running.",
    "",
    `  dApp      ${urls.dapp}`,
    `  RPC       ${urls.rpc} (chain id ${stack.chainId})`,
    `  verifier  ${urls.verifier}`,
    `  tracker   ${urls.tracker}`,
    `  indexer   ${urls.indexer} (PGlite, rebuilt on each start; SQL over HTTP at /sql)`,
    ...(seed ? [`  web seed  ${urls.share} (superdist share: the publisher's copies)`] : []),
    `  market    ${stack.market}`,
    `  DUSD      ${stack.demoToken} (demo ERC-20 with permit)`,
  ];
  if (seed) {
    lines.push("", "Demo accounts (Hardhat's public test keys: never use them on a real network):");
    for (const [role, account] of Object.entries(seed.accounts)) {
      lines.push(`  ${role.padEnd(9)} ${account.address}  key ${account.privateKey}`);
    }
    lines.push("", "Demo catalog:");
    for (const c of seed.contents) lines.push(`  #${c.contentId} ${c.title} (${c.currency})`);
    lines.push("", `Demo packages and each role's age identity: ${stack.stateDir}/demo/<role>/`);
  }
  lines.push(
    "",
    'Add the network to a browser wallet: network name "superdist local", RPC URL ' +
      `${urls.rpc}, chain id ${stack.chainId}, currency ETH.`,
    `Then import an account with one of the keys above (each holds ${formatEther(10_000n * 10n ** 18n)} ETH).`,
    "",
    "Logs are in .superdist/logs/. Press Ctrl-C to stop; the next start begins with a fresh chain.",
  );
  say(lines.join("\n"));
} catch (error) {
  process.stderr.write(`\nnpm start failed: ${(error as Error).message}\n`);
  await shutdown(1);
}
