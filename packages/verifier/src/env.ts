import { LOCAL_CHAIN_ID } from "@superdist/contracts";
import { type Address, isAddress } from "viem";
import { defaultPort, type VerifierConfig, VerifierConfigError } from "./config.ts";
import { defaultIdentityFile, loadIdentity } from "./identity.ts";
import type { RateLimitRule } from "./rateLimit.ts";

export type EnvConfig = VerifierConfig & {
  /** Set when a fresh identity was written on this start. */
  generatedIdentityFile?: string | undefined;
  recipient: string;
  /** Processes serving requests: one, or a primary and this many workers sharing the port. */
  workers: number;
};

/**
 * Reads the service configuration from the environment:
 *
 * | variable | default |
 * |---|---|
 * | SUPERDIST_RPC_URL | http://127.0.0.1:8545 |
 * | SUPERDIST_CHAIN_ID | 31337 |
 * | SUPERDIST_MARKET | the generated deployment of the chain |
 * | SUPERDIST_VERIFIER_IDENTITY | (an age identity; wins over the file) |
 * | SUPERDIST_VERIFIER_IDENTITY_FILE | .superdist/verifier-identity.txt, created on a local chain |
 * | SUPERDIST_VERIFIER_CONFIRMATIONS | 0 |
 * | SUPERDIST_VERIFIER_HOST / _PORT | 127.0.0.1 / 8787 |
 * | SUPERDIST_VERIFIER_RPC_TIMEOUT_MS | 3000 |
 * | SUPERDIST_VERIFIER_RPC_BATCH_MS | 2 (window in which chain reads share a JSON-RPC batch) |
 * | SUPERDIST_VERIFIER_TRUST_PROXY | false (true: client IP from X-Forwarded-For) |
 * | SUPERDIST_VERIFIER_RATE_IP / _RATE_TOKEN | 60/10, 10/0.1667 (burst/per second) |
 * | SUPERDIST_VERIFIER_RATE_CALL | 5/0.1 (per IP, signatures that need an eth_call) |
 * | SUPERDIST_VERIFIER_MAX_CONNECTIONS / _PER_IP | 512 / 64 (open connections: all clients together / per address) |
 * | SUPERDIST_VERIFIER_WORKERS | 1 (processes sharing the port; each holds its own rate limits and caches) |
 * | SUPERDIST_VERIFIER_LOG_LEVEL | info |
 */
export async function configFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<EnvConfig> {
  const chainId = integer(env, "SUPERDIST_CHAIN_ID", LOCAL_CHAIN_ID);
  const market = env.SUPERDIST_MARKET;
  if (market !== undefined && market !== "" && !isAddress(market, { strict: false })) {
    throw new VerifierConfigError(`SUPERDIST_MARKET is not an address: ${market}`);
  }
  const identity = await loadIdentity({
    identity: env.SUPERDIST_VERIFIER_IDENTITY || undefined,
    identityFile: env.SUPERDIST_VERIFIER_IDENTITY_FILE || defaultIdentityFile,
    // A production verifier must be given its key; inventing one would silently orphan every published copy.
    generate: !env.SUPERDIST_VERIFIER_IDENTITY_FILE && chainId === LOCAL_CHAIN_ID,
  });
  return {
    rpcUrl: env.SUPERDIST_RPC_URL || "http://127.0.0.1:8545",
    chainId,
    market: market ? (market as Address) : undefined,
    identities: identity.identities,
    recipient: identity.recipient,
    generatedIdentityFile: identity.generatedFile,
    confirmations: integer(env, "SUPERDIST_VERIFIER_CONFIRMATIONS", 0),
    workers: workerCount(env),
    rpcTimeoutMs: integer(env, "SUPERDIST_VERIFIER_RPC_TIMEOUT_MS", 3000),
    rpcBatchWaitMs: integer(env, "SUPERDIST_VERIFIER_RPC_BATCH_MS", 2),
    host: env.SUPERDIST_VERIFIER_HOST || "127.0.0.1",
    port: integer(env, "SUPERDIST_VERIFIER_PORT", defaultPort),
    trustProxy: env.SUPERDIST_VERIFIER_TRUST_PROXY === "true",
    logLevel: env.SUPERDIST_VERIFIER_LOG_LEVEL || undefined,
    rateLimits: {
      ...(env.SUPERDIST_VERIFIER_RATE_IP ? { perIp: rule(env, "SUPERDIST_VERIFIER_RATE_IP") } : {}),
      ...(env.SUPERDIST_VERIFIER_RATE_TOKEN ? { perToken: rule(env, "SUPERDIST_VERIFIER_RATE_TOKEN") } : {}),
    },
    // Only when set, so that the result names what the environment chose and nothing else.
    ...(env.SUPERDIST_VERIFIER_RATE_CALL
      ? { signatureCallRate: rule(env, "SUPERDIST_VERIFIER_RATE_CALL") }
      : {}),
    ...(env.SUPERDIST_VERIFIER_MAX_CONNECTIONS || env.SUPERDIST_VERIFIER_MAX_CONNECTIONS_PER_IP
      ? {
          limits: {
            ...(env.SUPERDIST_VERIFIER_MAX_CONNECTIONS
              ? { maxConnections: integer(env, "SUPERDIST_VERIFIER_MAX_CONNECTIONS", 0) }
              : {}),
            ...(env.SUPERDIST_VERIFIER_MAX_CONNECTIONS_PER_IP
              ? { maxConnectionsPerIp: integer(env, "SUPERDIST_VERIFIER_MAX_CONNECTIONS_PER_IP", 0) }
              : {}),
          },
        }
      : {}),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new VerifierConfigError(`${name} must be a non-negative integer, not ${value}.`);
  }
  return Number(value);
}

function workerCount(env: NodeJS.ProcessEnv): number {
  const workers = integer(env, "SUPERDIST_VERIFIER_WORKERS", 1);
  if (workers < 1) throw new VerifierConfigError("SUPERDIST_VERIFIER_WORKERS must be at least 1.");
  return workers;
}

function rule(env: NodeJS.ProcessEnv, name: string): RateLimitRule {
  const match = /^([0-9]+(?:\.[0-9]+)?)\/([0-9]+(?:\.[0-9]+)?)$/.exec(env[name] ?? "");
  const capacity = Number(match?.[1]);
  const refillPerSecond = Number(match?.[2]);
  if (!match || capacity < 1 || refillPerSecond <= 0) {
    throw new VerifierConfigError(`${name} must be "burst/perSecond", e.g. 60/10, not ${env[name]}.`);
  }
  return { capacity, refillPerSecond };
}
