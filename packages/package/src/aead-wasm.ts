/// <reference path="./libsodium.d.ts" />
import type { ChunkAead, ChunkCipher } from "./aead.ts";

// libsodium's ChaCha20-Poly1305 compiled to WebAssembly (the `libsodium` package, its raw Emscripten build):
// about three times the portable cipher's speed in Chromium, where WebCrypto has no ChaCha20. It weighs
// about 300 KB, so it is imported only when asked for, by the code that streams payloads (the dApp's worker).

type Sodium = {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _sodium_init(): number;
  // 64-bit lengths are passed as two 32-bit halves (low, high); null pointers as 0.
  _crypto_aead_chacha20poly1305_ietf_encrypt_detached(
    c: number,
    mac: number,
    macLengthOut: number,
    m: number,
    mLow: number,
    mHigh: number,
    ad: number,
    adLow: number,
    adHigh: number,
    nsec: number,
    npub: number,
    k: number,
  ): number;
  _crypto_aead_chacha20poly1305_ietf_decrypt_detached(
    m: number,
    nsec: number,
    c: number,
    cLow: number,
    cHigh: number,
    mac: number,
    ad: number,
    adLow: number,
    adHigh: number,
    npub: number,
    k: number,
  ): number;
};

const KEY_SIZE = 32;
const NONCE_SIZE = 12;
const TAG_SIZE = 16;
/** The largest message one call takes: a STREAM chunk and its tag. */
const MAX_SEALED = 64 * 1024 + TAG_SIZE;

let loading: Promise<ChunkCipher> | undefined;

/**
 * The WebAssembly ChaCha20-Poly1305, loaded once. Chunks are copied into WebAssembly memory, sealed or opened
 * in place there, and copied out: two copies of 64 KiB cost far less than the cipher.
 */
export function loadWasmCipher(): Promise<ChunkCipher> {
  loading ??= instantiate();
  return loading;
}

async function instantiate(): Promise<ChunkCipher> {
  const { default: createModule } = await import("libsodium");
  const sodium = (await createModule({
    getRandomValue: () => crypto.getRandomValues(new Uint32Array(1))[0] as number,
  })) as Sodium;
  sodium._sodium_init();
  // One scratch area serves every key: each call is synchronous and rewrites it whole.
  const key = sodium._malloc(KEY_SIZE + NONCE_SIZE + MAX_SEALED);
  const nonce = key + KEY_SIZE;
  const data = nonce + NONCE_SIZE;
  const load = (chunkKey: Uint8Array, chunkNonce: Uint8Array, message: Uint8Array): Uint8Array => {
    const heap = sodium.HEAPU8;
    heap.set(chunkKey, key);
    heap.set(chunkNonce, nonce);
    heap.set(message, data);
    return heap;
  };
  return (chunkKey: Uint8Array): ChunkAead => ({
    seal(chunkNonce, plaintext, out) {
      const heap = load(chunkKey, chunkNonce, plaintext);
      const n = plaintext.length;
      sodium._crypto_aead_chacha20poly1305_ietf_encrypt_detached(
        data,
        data + n,
        0,
        data,
        n,
        0,
        0,
        0,
        0,
        0,
        nonce,
        key,
      );
      out.set(heap.subarray(data, data + n + TAG_SIZE), 0);
    },
    open(chunkNonce, sealed, out) {
      const heap = load(chunkKey, chunkNonce, sealed);
      const n = sealed.length - TAG_SIZE;
      const failed = sodium._crypto_aead_chacha20poly1305_ietf_decrypt_detached(
        data,
        0,
        data,
        n,
        0,
        data + n,
        0,
        0,
        0,
        nonce,
        key,
      );
      if (failed !== 0) return false;
      out.set(heap.subarray(data, data + n), 0);
      return true;
    },
  });
}
