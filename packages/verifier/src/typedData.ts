import { type Address, type Hex, keccak256 } from "viem";

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
