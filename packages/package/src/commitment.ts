import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { PackageError } from "./errors.ts";

/** Domain of the on-chain key commitment; the version is part of the hashed bytes. */
export const KEY_COMMITMENT_DOMAIN = "superdist/key-commitment/v1";
export const FILE_KEY_LENGTH = 16;

export function checkFileKey(fileKey: Uint8Array): void {
  if (!(fileKey instanceof Uint8Array) || fileKey.length !== FILE_KEY_LENGTH) {
    throw new PackageError("INVALID_FILE_KEY", "The file key must be 16 bytes.", {
      details: `got ${fileKey instanceof Uint8Array ? `${fileKey.length} bytes` : typeof fileKey}`,
    });
  }
}

/** keccak256(utf8("superdist/key-commitment/v1") || fileKey): what a content records on chain. */
export function keyCommitment(fileKey: Uint8Array): `0x${string}` {
  checkFileKey(fileKey);
  return `0x${bytesToHex(keccak_256(concatBytes(utf8ToBytes(KEY_COMMITMENT_DOMAIN), fileKey)))}`;
}
