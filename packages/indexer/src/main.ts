import { LOCAL_CHAIN_ID, resolveDeployment } from "@superdist/contracts";
import { DEFAULT_RPC_URL } from "./settings.ts";
import { startIndexer } from "./start.ts";

// The `npm run indexer` entry point; the variables are listed in this package's README.
function integer(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a whole number, not "${value}".`);
  return parsed;
}

try {
  const deployment = resolveDeployment(integer("SUPERDIST_CHAIN_ID") ?? LOCAL_CHAIN_ID, {
    market: (process.env.SUPERDIST_MARKET || undefined) as `0x${string}` | undefined,
    deployBlock: integer("SUPERDIST_DEPLOY_BLOCK"),
  });
  const indexer = await startIndexer({
    rpcUrl: process.env.SUPERDIST_RPC_URL || DEFAULT_RPC_URL,
    chainId: deployment.chainId,
    market: deployment.market,
    deployBlock: deployment.deployBlock,
    dataDir: process.env.SUPERDIST_INDEXER_DATA_DIR || ".superdist/indexer",
    databaseUrl: process.env.DATABASE_URL || undefined,
    databaseSchema: process.env.DATABASE_SCHEMA || undefined,
    host: process.env.SUPERDIST_INDEXER_HOST || undefined,
    port: integer("SUPERDIST_INDEXER_PORT"),
    pollingIntervalMs: integer("SUPERDIST_INDEXER_POLLING_MS"),
    rpcLanes: integer("SUPERDIST_INDEXER_RPC_LANES"),
    logFile: process.env.SUPERDIST_INDEXER_LOG_FILE || undefined,
    onRebuild: (reason) => process.stderr.write(`superdist indexer: rebuilding the index: ${reason}\n`),
  });
  process.stdout.write(`${JSON.stringify({ msg: "ready", url: indexer.url, market: deployment.market })}\n`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    indexer.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(`superdist indexer: ${(error as Error).message}${code ? ` (${code})` : ""}\n`);
  process.exit(1);
}
