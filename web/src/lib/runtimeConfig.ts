import { type Deployment, DeploymentNotFoundError, resolveDeployment } from "@superdist/contracts";
import type { Address } from "viem";
import { isAddress } from "viem";

/**
 * Deployment settings read on the server when a page is served, so that one production build can serve any
 * chain, market, verifier and tracker. Only plain JSON values: it crosses the server/client boundary.
 */
export type RuntimeConfig = {
  chainId: number;
  chainName: string | null;
  rpcUrl: string;
  market: Address | null;
  /** The ERC-20 offered as a currency next to ETH when publishing, if this chain has one. */
  demoToken: Address | null;
  /** First block worth scanning for market events. */
  deployBlock: number;
  verifierUrls: string[];
  /** The market's indexer, which every list and tree reads from; without one they scan the market's logs. */
  indexerUrl: string | null;
  trackerUrl: string | null;
  /** STUN/TURN URLs for peer-to-peer connections; without any, browsers connect only where directly reachable. */
  iceServers: string[];
};

export const DEFAULT_CHAIN_ID = 31337;
export const DEFAULT_RPC_URL = "http://127.0.0.1:8545";

type Env = Record<string, string | undefined>;

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer`);
  return parsed;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function optionalAddress(value: string | undefined, name: string): Address | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!isAddress(trimmed)) throw new Error(`${name} must be an address`);
  return trimmed;
}

function deploymentOf(chainId: number, env: Env): Deployment | null {
  const market = optionalAddress(env.SUPERDIST_MARKET, "SUPERDIST_MARKET");
  // A market given by address is another deployment than the generated one, so its scan starts at its own block.
  const deployBlock =
    positiveInteger(env.SUPERDIST_DEPLOY_BLOCK, "SUPERDIST_DEPLOY_BLOCK") ?? (market ? 0 : undefined);
  const demoToken = optionalAddress(env.SUPERDIST_DEMO_TOKEN, "SUPERDIST_DEMO_TOKEN");
  try {
    return resolveDeployment(chainId, { market, deployBlock, ...(demoToken ? { demoToken } : {}) });
  } catch (error) {
    if (error instanceof DeploymentNotFoundError) return null;
    throw error;
  }
}

/**
 * Reads the deployment from SUPERDIST_* variables, falling back to the NEXT_PUBLIC_* values baked in at build
 * and to the generated deployment record of the chain.
 */
export function readRuntimeConfig(env: Env): RuntimeConfig {
  const chainId =
    positiveInteger(env.SUPERDIST_CHAIN_ID, "SUPERDIST_CHAIN_ID") ??
    positiveInteger(process.env.NEXT_PUBLIC_CHAIN_ID, "NEXT_PUBLIC_CHAIN_ID") ??
    DEFAULT_CHAIN_ID;
  const rpcUrl = env.SUPERDIST_RPC_URL || process.env.NEXT_PUBLIC_RPC_URL || DEFAULT_RPC_URL;
  const deployment = deploymentOf(chainId, env);
  return {
    chainId,
    chainName: env.SUPERDIST_CHAIN_NAME?.trim() || null,
    rpcUrl,
    market: deployment?.market ?? null,
    demoToken: deployment?.demoToken ?? null,
    deployBlock: deployment?.deployBlock ?? 0,
    verifierUrls: list(env.SUPERDIST_VERIFIER_URL),
    indexerUrl: env.SUPERDIST_INDEXER_URL?.trim() || null,
    trackerUrl: env.SUPERDIST_TRACKER_URL?.trim() || null,
    iceServers: list(env.SUPERDIST_ICE_SERVERS),
  };
}
