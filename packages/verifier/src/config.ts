import { resolveDeployment } from "@superdist/contracts";
import { SuperdistError, type SuperdistErrorOptions } from "@superdist/errors";
import { type Logger, pino } from "pino";
import { type Address, getAddress, isAddress } from "viem";
import type { MetricsSnapshot } from "./metrics.ts";
import type { RateLimitRule } from "./rateLimit.ts";

/** A setting the verifier cannot start with; its message names the setting. */
export class VerifierConfigError extends SuperdistError<"VERIFIER_CONFIG"> {
  override name = "VerifierConfigError";
  constructor(message: string, options: SuperdistErrorOptions = {}) {
    super("VERIFIER_CONFIG", message, options);
  }
}

export type VerifierLimits = {
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Largest package header, in bytes. */
  maxHeaderBytes: number;
  /** Most stanzas a header may carry (holder devices + verifier + lineage). */
  maxStanzas: number;
  /** Largest request line plus HTTP headers, in bytes. */
  maxHttpHeaderBytes: number;
  /** Gas cap of each `eth_call` that checks a smart account's signature. */
  signatureCallGas: number;
  /** Open connections the server accepts; past it, new ones are closed at once. */
  maxConnections: number;
  /** Open connections per client address (not applied behind a trusted proxy, whose address they all share). */
  maxConnectionsPerIp: number;
};

export type VerifierRateLimits = {
  /** Every request to /v1/*, per client IP. */
  perIp: RateLimitRule;
  /** Successful re-keys per license token. */
  perToken: RateLimitRule;
};

export type VerifierConfig = {
  rpcUrl: string;
  chainId: number;
  /** Defaults to the market of the generated deployments for `chainId`. */
  market?: Address | undefined;
  /** The age identities, current first (see `loadIdentity`). */
  identities: readonly string[];
  /** Ownership is read at `latest - confirmations`. */
  confirmations?: number | undefined;
  /** Per RPC request; an RPC slower than this answers 503 instead of hanging the client. */
  rpcTimeoutMs?: number | undefined;
  /** Reads of concurrent requests within this window share one JSON-RPC batch (default 2 ms). */
  rpcBatchWaitMs?: number | undefined;
  port?: number | undefined;
  host?: string | undefined;
  /** Take the client IP from the last X-Forwarded-For entry (only behind a proxy that sets it). */
  trustProxy?: boolean | undefined;
  limits?: Partial<VerifierLimits> | undefined;
  rateLimits?: Partial<VerifierRateLimits> | undefined;
  /**
   * Per client IP: re-keys whose signature needs an `eth_call` (ERC-1271, ERC-6492, ERC-8010), a stricter budget
   * than `rateLimits.perIp` since each such call may burn up to `limits.signatureCallGas` on the RPC.
   */
  signatureCallRate?: RateLimitRule | undefined;
  /** Used when no `logger` is given (default "info"). */
  logLevel?: string | undefined;
  logger?: Logger | undefined;
  /** What /metrics adds up, given this process's counters: a cluster worker's gathers every worker's. */
  collectMetrics?: ((own: MetricsSnapshot) => Promise<readonly MetricsSnapshot[]>) | undefined;
};

export const defaultLimits: VerifierLimits = {
  maxBodyBytes: 16 * 1024,
  maxHeaderBytes: 8 * 1024,
  maxStanzas: 16,
  maxHttpHeaderBytes: 8 * 1024,
  signatureCallGas: 1_000_000,
  maxConnections: 512,
  maxConnectionsPerIp: 64,
};

export const defaultRateLimits: VerifierRateLimits = {
  perIp: { capacity: 60, refillPerSecond: 10 },
  perToken: { capacity: 10, refillPerSecond: 1 / 6 },
};

export const defaultSignatureCallRate: RateLimitRule = { capacity: 5, refillPerSecond: 0.1 };

export const defaultPort = 8787;

export type ResolvedVerifierConfig = Required<
  Omit<VerifierConfig, "limits" | "rateLimits" | "logger" | "logLevel" | "market" | "collectMetrics">
> & {
  market: Address;
  limits: VerifierLimits;
  rateLimits: VerifierRateLimits;
  logger: Logger;
};

export function resolveConfig(config: VerifierConfig): ResolvedVerifierConfig {
  if (!Number.isSafeInteger(config.chainId) || config.chainId <= 0) {
    throw new VerifierConfigError(`Invalid chain id ${config.chainId}.`);
  }
  if (config.market !== undefined && !isAddress(config.market, { strict: false })) {
    throw new VerifierConfigError(`Invalid market address ${config.market}.`);
  }
  const confirmations = config.confirmations ?? 0;
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw new VerifierConfigError(`Invalid confirmations ${confirmations}.`);
  }
  if (config.identities.length === 0) throw new VerifierConfigError("The verifier needs an age identity.");
  for (const name of ["maxConnections", "maxConnectionsPerIp", "signatureCallGas"] as const) {
    const value = config.limits?.[name];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) {
      throw new VerifierConfigError(`Invalid ${name} ${value}: a positive integer.`);
    }
  }
  let market: Address;
  try {
    market = getAddress(resolveDeployment(config.chainId, { market: config.market }).market);
  } catch (cause) {
    throw new VerifierConfigError(`No market is known for chain ${config.chainId}; set SUPERDIST_MARKET.`, {
      cause,
    });
  }
  return {
    rpcUrl: config.rpcUrl,
    chainId: config.chainId,
    market,
    identities: config.identities,
    confirmations,
    rpcTimeoutMs: config.rpcTimeoutMs ?? 3000,
    rpcBatchWaitMs: config.rpcBatchWaitMs ?? 2,
    port: config.port ?? defaultPort,
    host: config.host ?? "127.0.0.1",
    trustProxy: config.trustProxy ?? false,
    limits: { ...defaultLimits, ...config.limits },
    rateLimits: { ...defaultRateLimits, ...config.rateLimits },
    signatureCallRate: config.signatureCallRate ?? defaultSignatureCallRate,
    logger: config.logger ?? verifierLogger(config.logLevel),
  };
}

/** JSON lines on stdout; `fields` go on every line (a cluster's workers add their pid). */
export function verifierLogger(level = "info", fields: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: "superdist-verifier", ...fields } });
}
