import { chacha20 } from "@noble/ciphers/chacha.js";

// Telling "bytes were appended" from "a chunk was damaged" needs the offset where the real final chunk ends,
// which no header records. ChaCha20-Poly1305's tag is a polynomial over 16-byte blocks, so the tag of every
// prefix can be evaluated incrementally: one pass over a chunk instead of one decryption per candidate length.
// This only classifies an error; it never releases plaintext.
const P = (1n << 130n) - 5n;
const BLOCK_BIT = 1n << 128n;
const MASK_128 = BLOCK_BIT - 1n;
const CLAMP = 0x0ffffffc0ffffffc0ffffffc0fffffffn;

function littleEndian(bytes: Uint8Array, start: number, end: number): bigint {
  let value = 0n;
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  return value;
}

/**
 * Length of the longest strict prefix of `piece` that authenticates as a sealed final chunk under
 * (`key`, `finalNonce`), or -1. `minCiphertext` is 1, or 0 for the first chunk, which may be empty.
 */
export function findSealedFinalChunk(
  key: Uint8Array,
  finalNonce: Uint8Array,
  piece: Uint8Array,
  minCiphertext: number,
): number {
  const polyKey = chacha20(key, finalNonce, new Uint8Array(32));
  const r = littleEndian(polyKey, 0, 16) & CLAMP;
  const s = littleEndian(polyKey, 16, 32);
  let found = -1;
  let blocks = 0n;
  let partial = 0n;
  for (let length = 0; length + 16 < piece.length; length++) {
    const rem = length % 16;
    if (length > 0) {
      partial |= BigInt(piece[length - 1] as number) << BigInt(8 * ((length - 1) % 16));
      if (rem === 0) {
        blocks = ((blocks + partial + BLOCK_BIT) * r) % P;
        partial = 0n;
      }
    }
    if (length < minCiphertext) continue;
    let acc = rem > 0 ? ((blocks + partial + BLOCK_BIT) * r) % P : blocks;
    // The AEAD's last block: 64-bit little-endian AAD length (0) then ciphertext length.
    acc = ((acc + (BigInt(length) << 64n) + BLOCK_BIT) * r) % P;
    if (((acc + s) & MASK_128) === littleEndian(piece, length, length + 16)) found = length + 16;
  }
  return found;
}
