export { createVerifierApp, type VerifierApp } from "./app.ts";
export { decodeBase64, encodeBase64 } from "./base64.ts";
export { ChainReader, type ChainReaderParameters, type LicenseRecord, type ReadBlock } from "./chain.ts";
export * from "./client.ts";
export { serveVerifier, type VerifierCluster } from "./cluster.ts";
export {
  defaultLimits,
  defaultPort,
  defaultRateLimits,
  defaultSignatureCallRate,
  type ResolvedVerifierConfig,
  resolveConfig,
  type VerifierConfig,
  VerifierConfigError,
  type VerifierLimits,
  type VerifierRateLimits,
  verifierLogger,
} from "./config.ts";
export { configFromEnv, type EnvConfig } from "./env.ts";
export { isVerifierErrorCode } from "./errors.ts";
export {
  defaultIdentityFile,
  importIdentityKey,
  type LoadIdentityParameters,
  loadIdentity,
  parseIdentities,
  type VerifierIdentity,
} from "./identity.ts";
export { type MetricsSnapshot, renderMetrics, VerifierMetrics } from "./metrics.ts";
export { type RateLimitDecision, RateLimiter, type RateLimitRule } from "./rateLimit.ts";
export {
  loadSignatureRecovery,
  type RecoverSigner,
  recoverWithNoble,
  type Secp256k1Binding,
  type SignatureRecovery,
} from "./recovery.ts";
export { type RekeyContext, type RekeyRequest, type RekeyResult, rekey } from "./rekey.ts";
export { ServedRequests } from "./servedRequests.ts";
export { runVerifier, type StartedVerifier, startVerifier, type VerifierProcess } from "./server.ts";
export {
  defaultSignatureCallGas,
  defaultSignatureRecovery,
  type VerifyOwnerSignatureParameters,
  type VerifyOwnerSignatureReturnType,
  verifyOwnerSignature,
} from "./signature.ts";
