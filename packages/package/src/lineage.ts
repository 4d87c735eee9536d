import { PackageError } from "./errors.ts";

/** The stanza type that carries a package's lineage. */
export const LINEAGE_STANZA = "superdist/lineage";

/** Which content a package belongs to and which license token holds this copy (0 = the publisher's copy). */
export type Lineage = {
  chainId: bigint;
  market: `0x${string}`;
  contentId: bigint;
  holderTokenId: bigint;
};

const MAX_UINT256 = (1n << 256n) - 1n;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const LOWERCASE_ADDRESS = /^0x[0-9a-f]{40}$/;
const ANY_CASE_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function malformed(details: string): PackageError {
  return new PackageError("LINEAGE_MALFORMED", "The lineage is malformed.", { details });
}

// One spelling per value: a reader that accepted "007" or an uppercase address would let two byte-different
// headers carry the same lineage, which makes lineage comparisons by bytes unsafe.
function parseUint256(name: string, text: string): bigint {
  if (!DECIMAL.test(text)) throw malformed(`${name} must be a canonical unsigned decimal, got "${text}"`);
  const value = BigInt(text);
  if (value > MAX_UINT256) throw malformed(`${name} does not fit in 256 bits`);
  return value;
}

function checkUint256(name: string, value: bigint): void {
  if (typeof value !== "bigint" || value < 0n || value > MAX_UINT256) {
    throw malformed(`${name} must be a bigint in [0, 2^256)`);
  }
}

/** Parses the arguments of a lineage stanza (the stanza type excluded). */
export function parseLineageArgs(args: readonly string[], body: Uint8Array): Lineage {
  if (args.length !== 4) throw malformed(`expected 4 arguments, got ${args.length}`);
  if (body.length !== 0) throw malformed("the lineage stanza body must be empty");
  const [chainText, market, contentText, holderText] = args as [string, string, string, string];
  const chainId = parseUint256("chainId", chainText);
  if (chainId === 0n) throw malformed("chainId must not be 0");
  if (!LOWERCASE_ADDRESS.test(market)) {
    throw malformed(`market must be 0x followed by 40 lowercase hex digits, got "${market}"`);
  }
  return {
    chainId,
    market: market as `0x${string}`,
    contentId: parseUint256("contentId", contentText),
    holderTokenId: parseUint256("holderTokenId", holderText),
  };
}

/** The canonical stanza arguments for a lineage; accepts a checksummed market and writes it lowercase. */
export function lineageArgs(lineage: Lineage): string[] {
  checkUint256("chainId", lineage.chainId);
  if (lineage.chainId === 0n) throw malformed("chainId must not be 0");
  checkUint256("contentId", lineage.contentId);
  checkUint256("holderTokenId", lineage.holderTokenId);
  if (typeof lineage.market !== "string" || !ANY_CASE_ADDRESS.test(lineage.market)) {
    throw malformed(`market must be a 20-byte hex address, got "${String(lineage.market)}"`);
  }
  return [
    lineage.chainId.toString(),
    lineage.market.toLowerCase(),
    lineage.contentId.toString(),
    lineage.holderTokenId.toString(),
  ];
}

/** True when two lineages name the same content (the holder may differ). */
export function sameContent(a: Lineage, b: Lineage): boolean {
  return (
    a.chainId === b.chainId &&
    a.market.toLowerCase() === b.market.toLowerCase() &&
    a.contentId === b.contentId
  );
}

/** A chain and market a client is on. */
export type MarketLocation = { chainId: number | bigint; market: `0x${string}` };

/**
 * Where a copy's lineage differs from the market a client is on: "chain", "market", or `undefined` when the
 * copy belongs to it. Every client checks this before it signs or pays for a copy.
 */
export function lineageMismatch(lineage: Lineage, location: MarketLocation): "chain" | "market" | undefined {
  if (lineage.chainId !== BigInt(location.chainId)) return "chain";
  if (lineage.market.toLowerCase() !== location.market.toLowerCase()) return "market";
  return undefined;
}
