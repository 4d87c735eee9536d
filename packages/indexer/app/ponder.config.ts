import { resolveDeployment, superdistMarketAbi } from "@superdist/contracts";
import { createConfig } from "ponder";
import { indexerSettingsFromEnv } from "../src/settings.ts";

// Everything that differs between deployments comes from the environment, so that `startIndexer` and a
// hand-run `ponder start` configure the same app.
const settings = indexerSettingsFromEnv(process.env);
const deployment = resolveDeployment(settings.chainId, {
  market: settings.market,
  deployBlock: settings.deployBlock,
});

export default createConfig({
  database: settings.databaseUrl
    ? { kind: "postgres", connectionString: settings.databaseUrl }
    : { kind: "pglite", directory: settings.pgliteDir },
  ordering: "omnichain",
  chains: {
    market: {
      id: deployment.chainId,
      rpc: settings.rpcUrls,
      pollingInterval: settings.pollingIntervalMs,
    },
  },
  contracts: {
    SuperdistMarket: {
      chain: "market",
      abi: superdistMarketAbi,
      address: deployment.market,
      startBlock: deployment.deployBlock,
    },
  },
  blocks: {
    // One block, the deployment's: its hash fingerprints the chain the index was built from.
    DeployBlock: {
      chain: "market",
      startBlock: deployment.deployBlock,
      endBlock: deployment.deployBlock,
      interval: 1,
    },
  },
});
