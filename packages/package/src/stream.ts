import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { createChunkAead } from "#aead";
import { PackageError } from "./errors.ts";
import { findSealedFinalChunk } from "./final-chunk.ts";

/** age STREAM: plaintext chunk size. */
export const CHUNK_SIZE = 64 * 1024;
/** The random nonce that starts every payload. */
export const PAYLOAD_NONCE_SIZE = 16;
const TAG_SIZE = 16;
const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
const PAYLOAD_LABEL = new TextEncoder().encode("payload");

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, nonce, PAYLOAD_LABEL, 32);
}

/** STREAM nonce: 11-byte big-endian chunk counter, then 1 for the final chunk, else 0. */
function chunkNonce(counter: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  for (let i = 10, c = counter; c > 0; i--, c = Math.floor(c / 256)) nonce[i] = c % 256;
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Bytes of payload (nonce included) for a plaintext of `plaintextSize` bytes. */
export function payloadSize(plaintextSize: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextSize / CHUNK_SIZE));
  return PAYLOAD_NONCE_SIZE + plaintextSize + chunks * TAG_SIZE;
}

/** Plaintext bytes in a payload of `size` bytes (nonce included), or undefined if no valid payload has it. */
export function plaintextSizeOfPayload(size: number): number | undefined {
  const sealed = size - PAYLOAD_NONCE_SIZE;
  if (sealed < TAG_SIZE) return undefined;
  const full = Math.floor(sealed / SEALED_CHUNK_SIZE);
  const rest = sealed % SEALED_CHUNK_SIZE;
  if (rest > 0 && rest <= TAG_SIZE && !(full === 0 && rest === TAG_SIZE)) return undefined;
  return sealed - full * TAG_SIZE - (rest > 0 ? TAG_SIZE : 0);
}

/**
 * Cuts a byte stream into fixed-size pieces, passing on only pieces known not to be the last one: the
 * final chunk is sealed and opened differently, and a stream only says it ended after its last chunk.
 * Large inputs are sliced in place; only the held-back remainder is copied.
 */
class Rechunker {
  readonly size: number;
  readonly buffer: Uint8Array;
  used = 0;

  constructor(size: number) {
    this.size = size;
    this.buffer = new Uint8Array(size);
  }

  push(input: Uint8Array, process: (pieces: Uint8Array[]) => void): void {
    const pieces: Uint8Array[] = [];
    let rest = input;
    if (this.used > 0) {
      const need = this.size - this.used;
      if (rest.length <= need) {
        this.buffer.set(rest, this.used);
        this.used += rest.length;
        return;
      }
      this.buffer.set(rest.subarray(0, need), this.used);
      pieces.push(this.buffer);
      rest = rest.subarray(need);
    }
    while (rest.length > this.size) {
      pieces.push(rest.subarray(0, this.size));
      rest = rest.subarray(this.size);
    }
    if (pieces.length > 0) process(pieces);
    this.buffer.set(rest, 0);
    this.used = rest.length;
  }

  rest(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }
}

export type PayloadProgress = (bytes: number) => void;

/**
 * Plaintext in, payload out: the 16-byte nonce, then STREAM chunks. `onPlaintext` sees each input length,
 * and 0 once the final chunk is out.
 */
export function createPayloadEncryptor(
  fileKey: Uint8Array,
  onPlaintext?: PayloadProgress,
): TransformStream<Uint8Array, Uint8Array> {
  const nonce = crypto.getRandomValues(new Uint8Array(PAYLOAD_NONCE_SIZE));
  const aead = createChunkAead(payloadKey(fileKey, nonce));
  const rechunker = new Rechunker(CHUNK_SIZE);
  let counter = 0;
  return new TransformStream({
    start(controller) {
      controller.enqueue(nonce);
    },
    transform(chunk, controller) {
      rechunker.push(chunk, (pieces) => {
        const out = new Uint8Array(pieces.length * SEALED_CHUNK_SIZE);
        pieces.forEach((piece, i) => {
          const slot = out.subarray(i * SEALED_CHUNK_SIZE, (i + 1) * SEALED_CHUNK_SIZE);
          aead.seal(chunkNonce(counter++, false), piece, slot);
        });
        controller.enqueue(out);
      });
      onPlaintext?.(chunk.length);
    },
    flush(controller) {
      const last = rechunker.rest();
      const out = new Uint8Array(last.length + TAG_SIZE);
      aead.seal(chunkNonce(counter, true), last, out);
      controller.enqueue(out);
      onPlaintext?.(0);
    },
  });
}

/**
 * Payload in (nonce first), plaintext out. Every chunk is authenticated before it is passed on; the stream
 * errors with PAYLOAD_TRUNCATED, PAYLOAD_CORRUPT or TRAILING_DATA when the payload is not exactly what was
 * sealed, so a consumer must treat output as final only once the stream has closed.
 */
export function createPayloadDecryptor(
  fileKey: Uint8Array,
  onPlaintext?: PayloadProgress,
): TransformStream<Uint8Array, Uint8Array> {
  const nonce = new Uint8Array(PAYLOAD_NONCE_SIZE);
  let nonceUsed = 0;
  let key: Uint8Array | undefined;
  let aead: ReturnType<typeof createChunkAead> | undefined;
  const rechunker = new Rechunker(SEALED_CHUNK_SIZE);
  let counter = 0;

  const truncated = (details: string) =>
    new PackageError("PAYLOAD_TRUNCATED", "The package is incomplete.", { details });
  const corrupt = () =>
    new PackageError("PAYLOAD_CORRUPT", "The package payload is damaged.", {
      details: `chunk ${counter} does not authenticate`,
    });
  const trailing = (finalLength: number) =>
    new PackageError("TRAILING_DATA", "Bytes follow the end of the package.", {
      details: `the final chunk is chunk ${counter} and ends after ${finalLength} of its bytes`,
    });
  // A piece that fails as what it should be: if a prefix of it is an authentic final chunk, bytes were
  // appended after the real end of the payload.
  const appendedOrElse = (piece: Uint8Array, otherwise: PackageError): PackageError => {
    const end = findSealedFinalChunk(
      key as Uint8Array,
      chunkNonce(counter, true),
      piece,
      counter === 0 ? 0 : 1,
    );
    return end >= 0 ? trailing(end) : otherwise;
  };

  return new TransformStream({
    transform(chunk, controller) {
      let input = chunk;
      if (aead === undefined) {
        const n = Math.min(PAYLOAD_NONCE_SIZE - nonceUsed, input.length);
        nonce.set(input.subarray(0, n), nonceUsed);
        nonceUsed += n;
        input = input.subarray(n);
        if (nonceUsed < PAYLOAD_NONCE_SIZE) return;
        key = payloadKey(fileKey, nonce);
        aead = createChunkAead(key);
      }
      const cipher = aead;
      rechunker.push(input, (pieces) => {
        const out = new Uint8Array(pieces.length * CHUNK_SIZE);
        pieces.forEach((piece, i) => {
          const slot = out.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
          if (!cipher.open(chunkNonce(counter, false), piece, slot)) {
            // A full-size final chunk followed by anything: the Go age reader's "trailing data" case.
            if (cipher.open(chunkNonce(counter, true), piece, slot)) throw trailing(SEALED_CHUNK_SIZE);
            throw appendedOrElse(piece, corrupt());
          }
          counter++;
        });
        controller.enqueue(out);
        onPlaintext?.(out.length);
      });
    },
    flush(controller) {
      if (aead === undefined) throw truncated("the payload nonce is incomplete");
      const piece = rechunker.rest();
      if (piece.length === 0) throw truncated("the payload has no chunk");
      if (piece.length < TAG_SIZE || (piece.length === TAG_SIZE && counter > 0)) {
        throw truncated(`the payload ends ${piece.length} bytes into chunk ${counter}`);
      }
      const out = new Uint8Array(piece.length - TAG_SIZE);
      if (aead.open(chunkNonce(counter, true), piece, out)) {
        if (out.length > 0) controller.enqueue(out);
        onPlaintext?.(out.length);
        return;
      }
      if (piece.length === SEALED_CHUNK_SIZE) {
        if (aead.open(chunkNonce(counter, false), piece, out)) {
          throw truncated(
            `the payload stops after chunk ${counter}, at a chunk boundary, without its final chunk`,
          );
        }
        throw appendedOrElse(piece, corrupt());
      }
      // A short last piece that fails: a cut inside a chunk and damage to a short final chunk look the same
      // to the AEAD. The cut (an interrupted copy) is by far the common cause, so it is named.
      throw appendedOrElse(
        piece,
        truncated(`the payload ends inside chunk ${counter}, which does not authenticate as the final chunk`),
      );
    },
  });
}
