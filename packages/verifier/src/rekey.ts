import {
  keyCommitment,
  lineageMismatch,
  PackageError,
  type PackageHeader,
  parseHeader,
  rekeyHeader,
  type Stanza,
  unwrapHeader,
} from "@superdist/package";
import type { Address, Hex } from "viem";
import type { ChainReader } from "./chain.ts";
import type { VerifierLimits } from "./config.ts";
import { VerifierError } from "./errors.ts";
import type { RateLimiter } from "./rateLimit.ts";
import type { ServedRequests } from "./servedRequests.ts";
import { maxDeadlineAheadSeconds, rekeyDigest } from "./typedData.ts";

export type RekeyRequest = {
  /** The package header exactly as the owner signed it. */
  header: Uint8Array;
  tokenId: bigint;
  /** The holder's age X25519 recipient. */
  recipient: string;
  /** Unix seconds. */
  deadline: bigint;
  signature: Hex;
  /** Who sent it (the client IP), for the budget of signatures that need an `eth_call`. */
  client?: string | undefined;
};

export type RekeyResult = {
  /** The new header: a stanza for `recipient`, the verifier's, and a lineage naming `tokenId`. */
  header: Uint8Array;
  contentId: bigint;
  owner: Address;
};

export type RekeyContext = {
  chain: ChainReader;
  chainId: number;
  market: Address;
  /** Current identity first (age strings or imported X25519 keys); its recipient goes into new headers. */
  identities: readonly (string | CryptoKey)[];
  recipient: string;
  limits: Pick<VerifierLimits, "maxHeaderBytes" | "maxStanzas">;
  /** Successful re-keys per token; checked before any chain read, charged only once the owner is proven. */
  perToken?: RateLimiter | undefined;
  /**
   * Requests already served: one sent again (a retry, or a replay by whoever captured it) is re-keyed again but not
   * charged to its token, so replaying a captured request cannot use up the owner's budget.
   */
  served?: ServedRequests | undefined;
  /** Signatures that need an `eth_call`, per `RekeyRequest.client`: each call may burn its gas cap on the RPC. */
  perClientCalls?: RateLimiter | undefined;
  nowSeconds?: () => number;
};

// An X25519 recipient is "age1" + bech32 of 32 bytes (52 data characters) + a 6-character checksum.
const x25519Recipient = /^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/;

/**
 * Releases a content key to the current owner of a license token, as a new header for their age recipient.
 * Cheap checks come first, then the verifier's own crypto, then the chain, so refusals cost little.
 *
 * @throws {VerifierError} with a stable code for every refusal.
 */
export async function rekey(context: RekeyContext, request: RekeyRequest): Promise<RekeyResult> {
  if (request.header.length > context.limits.maxHeaderBytes) {
    throw new VerifierError("HEADER_TOO_LARGE", `The header exceeds ${context.limits.maxHeaderBytes} bytes.`);
  }
  checkDeadline(request.deadline, context.nowSeconds?.() ?? Math.floor(Date.now() / 1000));
  checkRecipient(request.recipient);
  const header = parse(request.header, context.limits.maxStanzas);
  const lineage = header.lineage;
  const mismatch = lineageMismatch(lineage, context);
  if (mismatch === "chain") {
    throw new VerifierError("LINEAGE_CHAIN_MISMATCH", "The header's lineage names another chain.", {
      details: `lineage chain ${lineage.chainId}, verifier chain ${context.chainId}`,
    });
  }
  if (mismatch === "market") {
    throw new VerifierError("LINEAGE_MARKET_MISMATCH", "The header's lineage names another market.", {
      details: `lineage market ${lineage.market}, verifier market ${context.market}`,
    });
  }
  const contentId = BigInt(lineage.contentId);
  const tokenKey = request.tokenId.toString();
  // The digest names the token, recipient, header and deadline: a request sent again with its signature in the
  // other encoding (64 or 65 bytes) is the same request.
  const digest = rekeyDigest({
    chainId: context.chainId,
    market: context.market,
    tokenId: request.tokenId,
    recipient: request.recipient,
    header: request.header,
    deadline: request.deadline,
  });
  const repeated = context.served?.has(digest) ?? false;
  const tokenLimit = repeated ? undefined : context.perToken?.check(tokenKey);
  if (tokenLimit && !tokenLimit.allowed)
    throw rateLimited(tokenLimit.retryAfterSeconds, "this license token");

  // Unwrapping checks the header MAC with the key it finds (MAC_MISMATCH), and re-keying checks it again.
  const { fileKey, verifierStanza } = await unwrap(header, context.identities, context.recipient);

  const block = await context.chain.readBlock();
  // Both reads go out together; the content's answer is judged first so that the refusal code is stable.
  const [commitmentRead, licenseRead] = await Promise.allSettled([
    context.chain.keyCommitment(contentId, block),
    context.chain.license(request.tokenId, block),
  ]);
  if (commitmentRead.status === "rejected") throw commitmentRead.reason;
  if (licenseRead.status === "rejected") throw licenseRead.reason;
  const commitment = commitmentRead.value;
  const license = licenseRead.value;
  if (commitment.toLowerCase() !== keyCommitment(fileKey).toLowerCase()) {
    throw new VerifierError("KEY_COMMITMENT_MISMATCH", "The header's key is not the content's key.", {
      details: `content ${contentId}`,
    });
  }
  if (license.contentId !== contentId) {
    throw new VerifierError("TOKEN_OF_OTHER_CONTENT", "The license token is of another content.", {
      details: `token ${request.tokenId} is of content ${license.contentId}, the header of content ${contentId}`,
    });
  }
  const signed = await context.chain.isSignedByOwner(
    license.owner,
    { hash: digest, signature: request.signature },
    block,
    {
      beforeCall: () => {
        const calls = context.perClientCalls?.take(request.client ?? "");
        if (calls && !calls.allowed) {
          throw rateLimited(calls.retryAfterSeconds, "smart-account signatures from this address");
        }
      },
    },
  );
  if (!signed) {
    throw new VerifierError("NOT_OWNER", "The request is not signed by the license token's current owner.");
  }
  let rekeyed: Uint8Array;
  try {
    rekeyed = await rekeyHeader({
      header,
      fileKey,
      holderRecipients: [request.recipient],
      verifierRecipient: context.recipient,
      holderTokenId: request.tokenId,
      verifierStanza,
    });
  } catch (error) {
    if (error instanceof PackageError && error.code === "INVALID_RECIPIENT") throw invalidRecipient();
    if (error instanceof PackageError && error.code === "MAC_MISMATCH") throw macMismatch();
    throw error;
  }
  if (!repeated) {
    const charged = context.perToken?.take(tokenKey);
    if (charged && !charged.allowed) throw rateLimited(charged.retryAfterSeconds, "this license token");
  }
  context.served?.add(digest, Number(request.deadline));
  return { header: rekeyed, contentId, owner: license.owner };
}

export function rateLimited(retryAfterSeconds: number, what: string): VerifierError {
  return new VerifierError("RATE_LIMITED", `Too many requests for ${what}; retry later.`, {
    retryAfter: retryAfterSeconds,
  });
}

function checkDeadline(deadline: bigint, nowSeconds: number): void {
  if (deadline < BigInt(nowSeconds)) {
    throw new VerifierError("DEADLINE_EXPIRED", "The signature's deadline has passed; sign a new request.");
  }
  if (deadline > BigInt(nowSeconds + maxDeadlineAheadSeconds)) {
    throw new VerifierError(
      "DEADLINE_TOO_FAR",
      `The deadline may be at most ${maxDeadlineAheadSeconds} seconds ahead.`,
    );
  }
}

// The shape is checked up front; the bech32 checksum when the package writes the stanza.
function checkRecipient(recipient: string): void {
  if (!x25519Recipient.test(recipient)) throw invalidRecipient();
}

function invalidRecipient(): VerifierError {
  return new VerifierError("INVALID_RECIPIENT", "The recipient is not an age X25519 recipient (age1...).");
}

function parse(bytes: Uint8Array, maxStanzas: number): PackageHeader {
  let header: PackageHeader;
  try {
    header = parseHeader(bytes);
  } catch (error) {
    if (error instanceof PackageError && error.code === "TOO_MANY_STANZAS") {
      throw new VerifierError("TOO_MANY_STANZAS", `The header has more than ${maxStanzas} stanzas.`);
    }
    if (error instanceof PackageError && error.code === "HEADER_TOO_LARGE") {
      throw new VerifierError("HEADER_TOO_LARGE", "The header is too large.");
    }
    throw new VerifierError("MALFORMED_HEADER", "The header is not a superdist package header.", {
      cause: error,
      details: error instanceof PackageError ? error.code : undefined,
    });
  }
  if (header.bytes.length !== bytes.length) {
    throw new VerifierError("MALFORMED_HEADER", "Send the header alone, without the payload.");
  }
  if (header.stanzas.length > maxStanzas) {
    throw new VerifierError("TOO_MANY_STANZAS", `The header has more than ${maxStanzas} stanzas.`);
  }
  return header;
}

async function unwrap(
  header: PackageHeader,
  identities: readonly (string | CryptoKey)[],
  recipient: string,
): Promise<{ fileKey: Uint8Array; verifierStanza: Stanza | undefined }> {
  let unwrapped: Awaited<ReturnType<typeof unwrapHeader>>;
  try {
    unwrapped = await unwrapHeader(header, identities);
  } catch (error) {
    if (error instanceof PackageError && error.code === "MAC_MISMATCH") throw macMismatch();
    throw new VerifierError("MALFORMED_HEADER", "A recipient stanza of the header is malformed.", {
      cause: error,
    });
  }
  if (!unwrapped) {
    throw new VerifierError("NO_VERIFIER_STANZA", "The header has no stanza this verifier can open.");
  }
  // A stanza opened by the current identity already wraps the key to the recipient new headers name; one of a
  // retired identity does not, and the new header gets a fresh stanza.
  const current = unwrapped.recipient === recipient;
  return { fileKey: unwrapped.fileKey, verifierStanza: current ? unwrapped.stanza : undefined };
}

function macMismatch(): VerifierError {
  return new VerifierError("MAC_MISMATCH", "The header was altered: its MAC does not match.");
}
