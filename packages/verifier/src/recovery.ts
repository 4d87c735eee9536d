import { createRequire } from "node:module";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import {
  type Address,
  compactSignatureToSignature,
  getAddress,
  type Hex,
  hexToBytes,
  parseCompactSignature,
  recoverAddress,
  size,
} from "viem";

/**
 * Who signed a 32-byte digest with a 65-byte (r, s, v) or a 64-byte EIP-2098 signature; undefined when the bytes
 * are no signature by anyone (not a point on the curve, a bad recovery byte, r or s out of range).
 */
export type RecoverSigner = (hash: Hex, signature: Hex) => Promise<Address | undefined>;

export type SignatureRecovery = {
  /** Which code recovers: libsecp256k1 through the `secp256k1` package's prebuilt binding, or noble (in viem). */
  implementation: "libsecp256k1" | "noble";
  recover: RecoverSigner;
};

/** The part of the `secp256k1` package's binding the verifier uses. */
export type Secp256k1Binding = {
  ecdsaRecover(signature: Uint8Array, recoveryId: number, message: Uint8Array, compressed: false): Uint8Array;
};

const require = createRequire(import.meta.url);

/**
 * The fastest recovery this machine has. Recovery is most of a re-key's CPU: libsecp256k1 does it in a few
 * dozen microseconds, noble in over a millisecond. The `secp256k1` package ships prebuilt binaries for a few
 * platforms only and, where it has none, would quietly swap in `elliptic`, slower than noble; so its binding is
 * loaded directly and noble, the same code viem uses everywhere else, is the fallback.
 */
export function loadSignatureRecovery(
  loadBinding: () => Secp256k1Binding = () => require("secp256k1/bindings") as Secp256k1Binding,
): SignatureRecovery {
  let binding: Secp256k1Binding;
  try {
    binding = loadBinding();
  } catch {
    return { implementation: "noble", recover: recoverWithNoble };
  }
  return {
    implementation: "libsecp256k1",
    recover: async (hash, signature) => recoverNative(binding, hash, signature),
  };
}

export const recoverWithNoble: RecoverSigner = async (hash, signature) => {
  try {
    const bytes = size(signature);
    if (bytes === 65) return await recoverAddress({ hash, signature });
    if (bytes === 64) {
      return await recoverAddress({
        hash,
        signature: compactSignatureToSignature(parseCompactSignature(signature)),
      });
    }
  } catch {
    // Not a point on the curve, a bad recovery byte: not a signature by anyone.
  }
  return undefined;
};

function recoverNative(binding: Secp256k1Binding, hash: Hex, signature: Hex): Address | undefined {
  const bytes = hexToBytes(signature);
  let compact: Uint8Array;
  let recoveryId: number;
  if (bytes.length === 65) {
    // As viem reads v: the y parity itself, or 27/28; EIP-155 values name a chain, and no typed-data signature.
    const v = bytes[64] as number;
    if (v === 0 || v === 1) recoveryId = v;
    else if (v === 27 || v === 28) recoveryId = v - 27;
    else return undefined;
    compact = bytes.subarray(0, 64);
  } else if (bytes.length === 64) {
    // EIP-2098: the y parity is the top bit of s.
    recoveryId = (bytes[32] as number) >> 7;
    compact = bytes.slice();
    compact[32] = (compact[32] as number) & 0x7f;
  } else {
    return undefined;
  }
  let publicKey: Uint8Array;
  try {
    publicKey = binding.ecdsaRecover(compact, recoveryId, hexToBytes(hash), false);
  } catch {
    return undefined;
  }
  return getAddress(`0x${bytesToHex(keccak_256(publicKey.subarray(1)).subarray(12))}`);
}
