import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type Address, getTypesForEIP712Domain, type Hex, hashDomain, hexToBytes, keccak256 } from "viem";

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

const encoder = new TextEncoder();
const rekeyTypeHash = keccak_256(
  encoder.encode("Rekey(uint256 tokenId,string recipient,bytes32 headerHash,uint256 deadline)"),
);
const domainSeparators = new Map<string, Uint8Array>();
const maxUint256 = 2n ** 256n - 1n;

/**
 * The EIP-712 digest of `rekeyTypedData(parameters)`, equal to viem's `hashTypedData` of it. The verifier hashes
 * one per request, so it is the least that digest takes: the domain separator and the type hash computed once,
 * then four keccaks (recipient, header, struct, digest) over one buffer written in place. `hashTypedData`
 * computes eleven, through hex strings.
 */
export function rekeyDigest(parameters: RekeyTypedDataParameters): Hex {
  // 0x1901 ‖ domain separator ‖ struct hash (66 bytes), then the struct: type hash ‖ tokenId ‖ keccak(recipient)
  // ‖ headerHash ‖ deadline (160 bytes).
  const buffer = new Uint8Array(226);
  const view = new DataView(buffer.buffer);
  buffer[0] = 0x19;
  buffer[1] = 0x01;
  buffer.set(domainSeparator(parameters.chainId, parameters.market), 2);
  buffer.set(rekeyTypeHash, 66);
  writeUint256(view, 98, parameters.tokenId);
  buffer.set(keccak_256(encoder.encode(parameters.recipient)), 130);
  buffer.set(keccak_256(parameters.header), 162);
  writeUint256(view, 194, parameters.deadline);
  buffer.set(keccak_256(buffer.subarray(66)), 34);
  return `0x${bytesToHex(keccak_256(buffer.subarray(0, 66)))}`;
}

function writeUint256(view: DataView, offset: number, value: bigint): void {
  if (value < 0n || value > maxUint256) throw new RangeError(`${value} is not a uint256.`);
  let rest = value;
  for (let word = 24; word >= 0; word -= 8) {
    view.setBigUint64(offset + word, BigInt.asUintN(64, rest));
    rest >>= 64n;
  }
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
