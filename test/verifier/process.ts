/** `npm run verifier`'s entry point as its own process, for the market fixture's chain and verifier identity. */
import { type ChildProcess, spawn } from "node:child_process";
import { ROOT } from "../../scripts/stack/chain.ts";
import type { MarketFixture } from "../../scripts/stack/market.ts";

export function spawnVerifier(
  fixture: MarketFixture,
  env: Record<string, string>,
  stderr: "pipe" | "inherit" = "inherit",
): ChildProcess {
  return spawn(process.execPath, ["packages/verifier/src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", stderr],
    env: {
      ...process.env,
      SUPERDIST_RPC_URL: fixture.chain.rpcUrl,
      SUPERDIST_CHAIN_ID: String(fixture.chain.chainId),
      SUPERDIST_MARKET: fixture.chain.market,
      SUPERDIST_VERIFIER_IDENTITY: fixture.verifier.identity,
      ...env,
    },
  });
}
