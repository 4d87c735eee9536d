import { createChunkAead } from "#aead";
import { hkdfSha256 } from "#kdf";
import type { ChunkAead, ChunkCipher } from "./aead.ts";
import { PackageError } from "./errors.ts";
import { findSealedFinalChunk } from "./final-chunk.ts";
import { type PieceReader, READ_SIZE } from "./pieces.ts";

/** age STREAM: plaintext chunk size. */
export const CHUNK_SIZE = 64 * 1024;
/** The random nonce that starts every payload. */
export const PAYLOAD_NONCE_SIZE = 16;
const TAG_SIZE = 16;
const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
const PAYLOAD_LABEL = new TextEncoder().encode("payload");

export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdfSha256(fileKey, nonce, PAYLOAD_LABEL, 32);
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

const EMPTY: Uint8Array = new Uint8Array(0);

/** `out` when it is large enough (a driver that reuses one buffer), else a fresh buffer. */
function outputOf(size: number, out: Uint8Array | undefined): Uint8Array {
  return out !== undefined && out.length >= size ? out.subarray(0, size) : new Uint8Array(size);
}

/**
 * STREAM sealing as a synchronous state machine, so that one implementation serves both the package's byte
 * streams (into a reader's own buffer, or a fresh one it hands off) and the Node file loop (one output buffer
 * reused for every read: fresh megabyte buffers cost a page fault per page, which is most of the time
 * spent outside the cipher).
 */
export class PayloadEncryptor {
  /** The payload's first 16 bytes. */
  readonly nonce: Uint8Array;
  readonly #aead: ChunkAead;
  readonly #rechunker = new Rechunker(CHUNK_SIZE);
  #counter = 0;

  /** `cipher` replaces the platform's ChaCha20-Poly1305 (e.g. the WebAssembly one); the output is the same. */
  constructor(fileKey: Uint8Array, cipher: ChunkCipher = createChunkAead) {
    this.nonce = crypto.getRandomValues(new Uint8Array(PAYLOAD_NONCE_SIZE));
    this.#aead = cipher(payloadKey(fileKey, this.nonce));
  }

  /** Most bytes `update` returns for `inputLength` bytes of input. */
  static updateBound(inputLength: number): number {
    return (Math.floor(inputLength / CHUNK_SIZE) + 1) * SEALED_CHUNK_SIZE;
  }

  /** The most input whose `update` output fits in `room` bytes; 0 when not even one chunk fits. */
  maxInputFor(room: number): number {
    const chunks = Math.floor(room / SEALED_CHUNK_SIZE);
    return chunks === 0 ? 0 : (chunks + 1) * CHUNK_SIZE - this.#rechunker.used;
  }

  /** Bytes `final` returns. */
  get finalSize(): number {
    return this.#rechunker.used + TAG_SIZE;
  }

  /** Seals the chunks `input` completes (not the last one), into `out` if it fits. */
  update(input: Uint8Array, out?: Uint8Array): Uint8Array {
    let sealed = EMPTY;
    this.#rechunker.push(input, (pieces) => {
      sealed = outputOf(pieces.length * SEALED_CHUNK_SIZE, out);
      for (const [i, piece] of pieces.entries()) {
        const slot = sealed.subarray(i * SEALED_CHUNK_SIZE, (i + 1) * SEALED_CHUNK_SIZE);
        this.#aead.seal(chunkNonce(this.#counter++, false), piece, slot);
      }
    });
    return sealed;
  }

  /** Seals the final chunk. */
  final(out?: Uint8Array): Uint8Array {
    const last = this.#rechunker.rest();
    const sealed = outputOf(last.length + TAG_SIZE, out);
    this.#aead.seal(chunkNonce(this.#counter, true), last, sealed);
    return sealed;
  }
}

/**
 * STREAM opening as a synchronous state machine (see PayloadEncryptor). Takes the payload from its nonce
 * on; returns only authenticated plaintext, and throws PAYLOAD_TRUNCATED, PAYLOAD_CORRUPT or TRAILING_DATA
 * when the payload is not exactly what was sealed.
 */
export class PayloadDecryptor {
  readonly #fileKey: Uint8Array;
  readonly #cipher: ChunkCipher;
  readonly #nonce = new Uint8Array(PAYLOAD_NONCE_SIZE);
  #nonceUsed = 0;
  #key: Uint8Array = EMPTY;
  #aead: ChunkAead | undefined;
  readonly #rechunker = new Rechunker(SEALED_CHUNK_SIZE);
  #counter = 0;

  constructor(fileKey: Uint8Array, cipher: ChunkCipher = createChunkAead) {
    this.#fileKey = fileKey;
    this.#cipher = cipher;
  }

  /** Most bytes `update` returns for `inputLength` bytes of input. */
  static updateBound(inputLength: number): number {
    return (Math.floor(inputLength / SEALED_CHUNK_SIZE) + 1) * CHUNK_SIZE;
  }

  /** The most input whose `update` output fits in `room` bytes; 0 when not even one chunk fits. */
  maxInputFor(room: number): number {
    const chunks = Math.floor(room / CHUNK_SIZE);
    if (chunks === 0) return 0;
    return PAYLOAD_NONCE_SIZE - this.#nonceUsed + (chunks + 1) * SEALED_CHUNK_SIZE - this.#rechunker.used;
  }

  /** Bytes `final` returns if the payload ends where it is. */
  get finalSize(): number {
    return Math.max(0, this.#rechunker.used - TAG_SIZE);
  }

  update(input: Uint8Array, out?: Uint8Array): Uint8Array {
    let rest = input;
    if (this.#aead === undefined) {
      const n = Math.min(PAYLOAD_NONCE_SIZE - this.#nonceUsed, rest.length);
      this.#nonce.set(rest.subarray(0, n), this.#nonceUsed);
      this.#nonceUsed += n;
      rest = rest.subarray(n);
      if (this.#nonceUsed < PAYLOAD_NONCE_SIZE) return EMPTY;
      this.#key = payloadKey(this.#fileKey, this.#nonce);
      this.#aead = this.#cipher(this.#key);
    }
    const aead = this.#aead;
    let opened = EMPTY;
    this.#rechunker.push(rest, (pieces) => {
      opened = outputOf(pieces.length * CHUNK_SIZE, out);
      for (const [i, piece] of pieces.entries()) {
        const slot = opened.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
        if (!aead.open(chunkNonce(this.#counter, false), piece, slot)) {
          // A full-size final chunk followed by anything: the Go age reader's "trailing data" case.
          if (aead.open(chunkNonce(this.#counter, true), piece, slot))
            throw this.#trailing(SEALED_CHUNK_SIZE);
          throw this.#appendedOrElse(piece, this.#corrupt());
        }
        this.#counter++;
      }
    });
    return opened;
  }

  /** Opens the final chunk once the input has ended. */
  final(out?: Uint8Array): Uint8Array {
    const aead = this.#aead;
    if (aead === undefined) throw this.#truncated("the payload nonce is incomplete");
    const piece = this.#rechunker.rest();
    if (piece.length === 0) throw this.#truncated("the payload has no chunk");
    if (piece.length < TAG_SIZE || (piece.length === TAG_SIZE && this.#counter > 0)) {
      throw this.#truncated(`the payload ends ${piece.length} bytes into chunk ${this.#counter}`);
    }
    const opened = outputOf(piece.length - TAG_SIZE, out);
    if (aead.open(chunkNonce(this.#counter, true), piece, opened)) return opened;
    if (piece.length === SEALED_CHUNK_SIZE) {
      if (aead.open(chunkNonce(this.#counter, false), piece, opened)) {
        throw this.#truncated(
          `the payload stops after chunk ${this.#counter}, at a chunk boundary, without its final chunk`,
        );
      }
      throw this.#appendedOrElse(piece, this.#corrupt());
    }
    // A short last piece that fails: a cut inside a chunk and damage to a short final chunk look the same
    // to the AEAD. The cut (an interrupted copy) is by far the common cause, so it is named.
    throw this.#appendedOrElse(
      piece,
      this.#truncated(
        `the payload ends inside chunk ${this.#counter}, which does not authenticate as the final chunk`,
      ),
    );
  }

  #truncated(details: string): PackageError {
    return new PackageError("PAYLOAD_TRUNCATED", "The package is incomplete.", { details });
  }

  #corrupt(): PackageError {
    return new PackageError("PAYLOAD_CORRUPT", "The package payload is damaged.", {
      details: `chunk ${this.#counter} does not authenticate`,
    });
  }

  #trailing(finalLength: number): PackageError {
    return new PackageError("TRAILING_DATA", "Bytes follow the end of the package.", {
      details: `the final chunk is chunk ${this.#counter} and ends after ${finalLength} of its bytes`,
    });
  }

  /** A piece that fails as what it should be: if a prefix is an authentic final chunk, bytes were appended. */
  #appendedOrElse(piece: Uint8Array, otherwise: PackageError): PackageError {
    const minimum = this.#counter === 0 ? 0 : 1;
    const end = findSealedFinalChunk(this.#key, chunkNonce(this.#counter, true), piece, minimum);
    return end >= 0 ? this.#trailing(end) : otherwise;
  }
}

/** PayloadEncryptor or PayloadDecryptor, as `payloadStream` drives them. */
type PayloadCoder = {
  update(input: Uint8Array, out?: Uint8Array): Uint8Array;
  final(out?: Uint8Array): Uint8Array;
  maxInputFor(room: number): number;
  readonly finalSize: number;
};

/** Called after each step with the input bytes it took and the output bytes it gave (0 and the last ones at the end). */
type PayloadStep = (consumed: number, produced: number) => void;

/**
 * `prefix`, then what `coder` makes of `source`, as a readable byte stream. A BYOB reader's buffer is
 * written into directly whenever one chunk's output fits in it, so a consumer that reads into a buffer it
 * reuses makes this allocate nothing per piece. A default reader gets a fresh buffer per piece, as it must:
 * nothing tells a stream when its consumer is done with one.
 */
export function payloadStream(
  source: PieceReader,
  coder: PayloadCoder,
  prefix: Uint8Array,
  onStep?: PayloadStep,
): ReadableStream<Uint8Array> {
  let pending = prefix.length > 0 ? prefix : undefined;
  const step = async (controller: ReadableByteStreamController): Promise<void> => {
    // A byte stream's request view is always a Uint8Array.
    const view = controller.byobRequest?.view as Uint8Array<ArrayBuffer> | undefined;
    if (pending !== undefined) {
      // A copy: enqueueing transfers the buffer, and the prefix is the caller's (a header they keep).
      controller.enqueue(pending.slice());
      pending = undefined;
      return;
    }
    for (;;) {
      const into = view !== undefined && coder.maxInputFor(view.length) > 0 ? view : undefined;
      const input = await source.read(into === undefined ? READ_SIZE : coder.maxInputFor(into.length));
      if (input === undefined) {
        const last = coder.final(view !== undefined && view.length >= coder.finalSize ? view : undefined);
        onStep?.(0, last.length);
        respond(controller, last, view);
        controller.close();
        // A BYOB read still waiting (nothing was left to put in it) learns of the end only this way.
        controller.byobRequest?.respond(0);
        return;
      }
      const output = coder.update(input, into);
      onStep?.(input.length, output.length);
      if (output.length > 0) {
        respond(controller, output, view);
        return;
      }
    }
  };
  const underlying = {
    async pull(controller: ReadableByteStreamController) {
      try {
        await step(controller);
      } catch (error) {
        await source.cancel(error).catch(() => {});
        throw error;
      }
    },
    cancel(reason: unknown) {
      return source.cancel(reason);
    },
  };
  if (typeof ReadableByteStreamController === "function") {
    return new ReadableStream({ type: "bytes", ...underlying });
  }
  // Readable byte streams came to Safari only in 26.4. A default stream's controller has no byobRequest,
  // so the same source hands on a fresh buffer per piece there.
  return new ReadableStream(underlying as unknown as UnderlyingDefaultSource<Uint8Array>);
}

/** Hands on `output`: already in the BYOB request's view, or a fresh buffer to enqueue. */
function respond(
  controller: ReadableByteStreamController,
  output: Uint8Array,
  view: Uint8Array | undefined,
): void {
  if (output.length === 0) return;
  if (view !== undefined && output.buffer === view.buffer && output.byteOffset === view.byteOffset) {
    controller.byobRequest?.respond(output.length);
  } else {
    controller.enqueue(output as Uint8Array<ArrayBuffer>);
  }
}
