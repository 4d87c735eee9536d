import { LOCAL_CHAIN_ID } from "@superdist/contracts";
import type { Address } from "viem";

/** What the Ponder app needs to know about its deployment; read from the environment by `ponder.config.ts`. */
export type IndexerSettings = {
  rpcUrls: string[];
  chainId: number;
  market: Address | undefined;
  deployBlock: number | undefined;
  databaseUrl: string | undefined;
  pgliteDir: string;
  pollingIntervalMs: number;
};

export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

/**
 * Ponder limits each RPC URL to about 20 requests per second at first, which makes a backfill against a local
 * node crawl. Listing one URL several times, told apart by a query string the node ignores, gives each copy its
 * own budget. Only done for loopback nodes: a hosted provider's limits are its own, and its URLs may be signed.
 */
export function rpcLanes(url: string, lanes: number): string[] {
  const parsed = new URL(url);
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (!loopback || lanes <= 1) return [url];
  return Array.from({ length: lanes }, (_, i) => {
    const lane = new URL(url);
    lane.searchParams.set("lane", String(i));
    return lane.toString();
  });
}

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a whole number, not "${value}".`);
  return parsed;
}

export function indexerSettingsFromEnv(env: NodeJS.ProcessEnv): IndexerSettings {
  const urls = (env.SUPERDIST_RPC_URL || DEFAULT_RPC_URL).split(",").map((url) => url.trim());
  const lanes = integer(env, "SUPERDIST_INDEXER_RPC_LANES") ?? 8;
  const market = env.SUPERDIST_MARKET || undefined;
  if (market !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(market)) {
    throw new Error(`SUPERDIST_MARKET must be an address, not "${market}".`);
  }
  return {
    rpcUrls: urls.flatMap((url) => rpcLanes(url, lanes)),
    chainId: integer(env, "SUPERDIST_CHAIN_ID") ?? LOCAL_CHAIN_ID,
    market: market as Address | undefined,
    deployBlock: integer(env, "SUPERDIST_DEPLOY_BLOCK"),
    databaseUrl: env.DATABASE_URL || undefined,
    pgliteDir:
      env.SUPERDIST_INDEXER_PGLITE_DIR ||
      (env.SUPERDIST_INDEXER_DATA_DIR ? `${env.SUPERDIST_INDEXER_DATA_DIR}/pglite` : ".ponder/pglite"),
    pollingIntervalMs: integer(env, "SUPERDIST_INDEXER_POLLING_MS") ?? 1000,
  };
}
