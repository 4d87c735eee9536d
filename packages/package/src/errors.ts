import { SuperdistError, type SuperdistErrorOptions } from "@superdist/errors";

/**
 * Every failure the package format can report. The codes are stable: callers (the verifier's HTTP
 * errors, the CLI's exit messages, the dApp's "security check failed" page) switch on them.
 */
export type PackageErrorCode =
  /** The bytes do not start with the age v1 version line (includes armored age files). */
  | "NOT_AGE"
  /** The input ends before the header's MAC line. */
  | "HEADER_TRUNCATED"
  /** The header breaks the age v1 grammar or a known stanza's shape. */
  | "HEADER_MALFORMED"
  /** The header is longer than MAX_HEADER_SIZE. */
  | "HEADER_TOO_LARGE"
  /** The header has more than MAX_STANZAS stanzas. */
  | "TOO_MANY_STANZAS"
  /** The header has no superdist/lineage stanza. */
  | "LINEAGE_MISSING"
  /** The header has more than one superdist/lineage stanza. */
  | "LINEAGE_DUPLICATE"
  /** The lineage stanza (or a lineage given to a writer) is not in canonical form. */
  | "LINEAGE_MALFORMED"
  /** The header MAC does not match the file key: the header was changed. */
  | "MAC_MISMATCH"
  /** None of the given identities unwraps the file key. */
  | "NO_MATCHING_IDENTITY"
  /** An identity is not an age X25519 identity (string or CryptoKey). */
  | "INVALID_IDENTITY"
  /** A recipient is not an age X25519 recipient. */
  | "INVALID_RECIPIENT"
  /** A file key is not 16 bytes. */
  | "INVALID_FILE_KEY"
  /** The payload ends early: a final chunk is missing, or the payload stops inside a chunk. */
  | "PAYLOAD_TRUNCATED"
  /** A payload chunk does not authenticate. */
  | "PAYLOAD_CORRUPT"
  /** Bytes follow the authenticated final chunk. */
  | "TRAILING_DATA"
  /** A re-key header names another chain, market or content than the package it is spliced onto. */
  | "REKEY_CONTENT_MISMATCH";

export type PackageErrorOptions = SuperdistErrorOptions;

export class PackageError extends SuperdistError<PackageErrorCode> {
  override name = "PackageError";
}

export function isPackageError(error: unknown, code?: PackageErrorCode): error is PackageError {
  return error instanceof PackageError && (code === undefined || error.code === code);
}
