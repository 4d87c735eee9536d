import { chacha20poly1305 } from "@noble/ciphers/chacha.js";

/** ChaCha20-Poly1305 under one key, writing into caller-provided buffers so chunks batch without copies. */
export type ChunkAead = {
  /** Encrypts `plaintext` into `out` (plaintext.length + 16 bytes: ciphertext then tag). */
  seal(nonce: Uint8Array, plaintext: Uint8Array, out: Uint8Array): void;
  /** Decrypts `sealed` into `out` (sealed.length - 16 bytes); false when it does not authenticate. */
  open(nonce: Uint8Array, sealed: Uint8Array, out: Uint8Array): boolean;
};

/** Makes the ChunkAead for one payload key. */
export type ChunkCipher = (key: Uint8Array) => ChunkAead;

/** Portable implementation (browsers have no ChaCha20-Poly1305 in WebCrypto). */
export function createChunkAead(key: Uint8Array): ChunkAead {
  return {
    seal(nonce, plaintext, out) {
      chacha20poly1305(key, nonce).encrypt(plaintext, out);
    },
    open(nonce, sealed, out) {
      try {
        chacha20poly1305(key, nonce).decrypt(sealed, out);
        return true;
      } catch {
        return false;
      }
    },
  };
}
