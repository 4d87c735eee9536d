// Shared by the service and the browser client, so it must not import node-only modules.
import { SuperdistError, type SuperdistErrorOptions } from "@superdist/errors";

/**
 * Every code the verifier answers with, and its HTTP status. The codes are part of the API: clients branch on
 * them, so they never change meaning. `NETWORK_ERROR` and `INVALID_RESPONSE` are raised by the client only.
 */
export const verifierErrorStatus = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_BASE64: 400,
  INVALID_RECIPIENT: 400,
  MALFORMED_HEADER: 400,
  TOO_MANY_STANZAS: 400,
  DEADLINE_EXPIRED: 400,
  DEADLINE_TOO_FAR: 400,
  NOT_OWNER: 403,
  TOKEN_OF_OTHER_CONTENT: 403,
  NOT_FOUND: 404,
  CONTENT_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  BODY_TOO_LARGE: 413,
  HEADER_TOO_LARGE: 413,
  NO_VERIFIER_STANZA: 422,
  MAC_MISMATCH: 422,
  KEY_COMMITMENT_MISMATCH: 422,
  LINEAGE_CHAIN_MISMATCH: 422,
  LINEAGE_MARKET_MISMATCH: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  CHAIN_ERROR: 502,
  CHAIN_UNAVAILABLE: 503,
  NETWORK_ERROR: 503,
  INVALID_RESPONSE: 502,
} as const;

export type VerifierErrorCode = keyof typeof verifierErrorStatus;

export type VerifierErrorOptions = SuperdistErrorOptions & {
  /** Seconds after which a retry may succeed (rate limits, chain outages). */
  retryAfter?: number | undefined;
  /** The verifier URL that answered, on the client side. */
  url?: string | undefined;
};

/** A refused or failed re-key, with a stable `code` and the HTTP status that carries it. */
export class VerifierError extends SuperdistError<VerifierErrorCode> {
  override name = "VerifierError";
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly url: string | undefined;

  constructor(code: VerifierErrorCode, shortMessage: string, options: VerifierErrorOptions = {}) {
    super(code, shortMessage, options);
    this.status = verifierErrorStatus[code];
    this.retryAfter = options.retryAfter;
    this.url = options.url;
  }
}

export function isVerifierErrorCode(value: unknown): value is VerifierErrorCode {
  return typeof value === "string" && Object.hasOwn(verifierErrorStatus, value);
}
