import {
  type Address,
  concatBytes,
  getTypesForEIP712Domain,
  type Hex,
  hashDomain,
  hexToBytes,
  keccak256,
  numberToBytes,
  stringToBytes,
} from "viem";

// Shared by the service, the CLI and the dApp: the one definition of what a holder signs to get a copy re-keyed.

/** The domain the market contract publishes through ERC-5267 `eip712Domain()`. */
export const rekeyDomainName = "SuperdistMarket";
export const rekeyDomainVersion = "1";

export const rekeyTypes = {
  Rekey: [
    { name: "tokenId", type: "uint256" },
    { name: "recipient", type: "string" },
    { name: "headerHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** A signature is refused when its deadline lies further ahead than this, so a leaked one expires soon. */
export const maxDeadlineAheadSeconds = 3600;

export type RekeyTypedDataParameters = {
  /** A number (viem) or a bigint (ethers' `getNetwork()`). */
  chainId: number | bigint;
  market: Address;
  tokenId: bigint;
  /** The holder's age X25519 recipient (`age1...`) the new header is written to. */
  recipient: string;
  /** The package header exactly as it will be sent: the signature covers its hash. */
  header: Uint8Array;
  /** Unix seconds. */
  deadline: bigint;
};

export function rekeyDomain(chainId: number | bigint, market: Address) {
  // One shape whatever the caller's library, so that domains compare equal (chain ids are far below 2^53).
  return {
    name: rekeyDomainName,
    version: rekeyDomainVersion,
    chainId: Number(chainId),
    verifyingContract: market,
  } as const;
}

export function headerHash(header: Uint8Array): Hex {
  return keccak256(header);
}

/**
 * The EIP-712 typed data to pass to `signTypedData` (viem, wagmi) or `verifyTypedData`; for ethers, through
 * `toEthersTypedData` from `@superdist/contracts`.
 */
export function rekeyTypedData(parameters: RekeyTypedDataParameters) {
  return {
    domain: rekeyDomain(parameters.chainId, parameters.market),
    types: rekeyTypes,
    primaryType: "Rekey",
    message: {
      tokenId: parameters.tokenId,
      recipient: parameters.recipient,
      headerHash: headerHash(parameters.header),
      deadline: parameters.deadline,
    },
  } as const;
}

/** A deadline `seconds` from now (default 10 minutes), within what the verifier accepts. */
export function rekeyDeadline(seconds = 600, nowMs = Date.now()): bigint {
  return BigInt(Math.floor(nowMs / 1000) + Math.min(seconds, maxDeadlineAheadSeconds));
}

const rekeyTypeHash = hexToBytes(
  keccak256(stringToBytes("Rekey(uint256 tokenId,string recipient,bytes32 headerHash,uint256 deadline)")),
);
const eip712Prefix = new Uint8Array([0x19, 0x01]);
const domainSeparators = new Map<string, Uint8Array>();

/**
 * The EIP-712 digest of `rekeyTypedData(parameters)`, equal to viem's `hashTypedData` of it. The verifier hashes
 * one per request: the domain separator and the type hash are computed once here, which leaves four keccaks of
 * the eleven `hashTypedData` computes.
 */
export function rekeyDigest(parameters: RekeyTypedDataParameters): Hex {
  const struct = keccak256(
    concatBytes([
      rekeyTypeHash,
      numberToBytes(parameters.tokenId, { size: 32 }),
      keccak256(stringToBytes(parameters.recipient), "bytes"),
      keccak256(parameters.header, "bytes"),
      numberToBytes(parameters.deadline, { size: 32 }),
    ]),
    "bytes",
  );
  return keccak256(
    concatBytes([eip712Prefix, domainSeparator(parameters.chainId, parameters.market), struct]),
  );
}

function domainSeparator(chainId: number | bigint, market: Address): Uint8Array {
  const key = `${chainId}:${market.toLowerCase()}`;
  let separator = domainSeparators.get(key);
  if (!separator) {
    const domain = rekeyDomain(chainId, market);
    const types = { EIP712Domain: getTypesForEIP712Domain({ domain }) };
    separator = hexToBytes(hashDomain({ domain, types } as Parameters<typeof hashDomain>[0]));
    // A verifier serves one market; the bound only keeps a caller cycling through domains from growing it.
    if (domainSeparators.size >= 64) domainSeparators.clear();
    domainSeparators.set(key, separator);
  }
  return separator;
}
