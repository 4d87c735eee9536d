import type { ChunkCipher } from "./aead.ts";
import { keyCommitment } from "./commitment.ts";
import type { PackageHeader } from "./header.ts";
import {
  type EncryptPackageReturnType,
  type NewPackageHeaderParameters,
  newPackageHeader,
  openHeader,
  type ProgressCallback,
  packageSize,
  readHeaderFromBlob,
} from "./package.ts";
import { PayloadDecryptor, PayloadEncryptor, plaintextSizeOfPayload } from "./stream.ts";

// Blob in, Blob out: what a browser holds (a dropped File) and hands back (a download). The STREAM state
// machines are driven straight from `blob.stream()`'s reader, without Web Streams transforms between, and
// the output goes into one reused 16 MiB buffer that becomes a Blob part each time it fills. In Chromium a
// Blob costs a few milliseconds to make whatever its size (4 MiB parts took twice as long as 16 MiB ones),
// and reading a Blob in `slice().arrayBuffer()` pieces ran at a third of the speed of its stream
// (docs/benchmarks.md, "Browser"). A Blob copies its parts when made, but Chromium keeps that copy in the
// page's process until the browser process takes it, which it may put off: with nothing waiting for it,
// the renderer's memory grew by most of the file. So each part's hand-over is awaited before the part
// after it is made, and no more than two parts are ever held here, for any size.

const FLUSH_SIZE = 16 * 1024 * 1024;

/** Feeds `blob` from `start` to `consume`, piece by piece as the browser reads it, into `writer`. */
async function forEachPiece(
  blob: Blob,
  start: number,
  writer: BlobWriter,
  consume: (piece: Uint8Array) => void,
): Promise<void> {
  const reader = (start > 0 ? blob.slice(start) : blob).stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      consume(value);
      const handingOver = writer.backlog();
      if (handingOver !== undefined) await handingOver;
    }
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** Gathers output into Blob parts through one reused buffer, which producers write into directly. */
class BlobWriter {
  readonly #buffer = new Uint8Array(FLUSH_SIZE);
  #used = 0;
  readonly #parts: Blob[] = [];
  /** Settles once the browser process holds the latest part. */
  #latest: Promise<unknown> = Promise.resolve();
  /** The same for the part before it, until someone waits for it. */
  #waiting: Promise<unknown> | undefined;

  /** Room for at least `size` bytes (when they fit in the buffer at all), to produce output into. */
  room(size: number): Uint8Array {
    if (this.#buffer.length - this.#used < size) this.#flush();
    return this.#buffer.subarray(this.#used);
  }

  /** Takes output: produced into the last `room()`, or a buffer of its own. */
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (bytes.buffer === this.#buffer.buffer && bytes.byteOffset === this.#used) {
      this.#used += bytes.length;
      return;
    }
    this.#flush();
    this.#add(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  }

  /** A promise to wait for before producing more, while an earlier part may still be held in this process. */
  backlog(): Promise<unknown> | undefined {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    return waiting;
  }

  blob(type: string): Blob {
    this.#flush();
    return new Blob(this.#parts, { type });
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#add(new Blob([this.#buffer.subarray(0, this.#used)]));
    this.#used = 0;
  }

  #add(part: Blob): void {
    this.#parts.push(part);
    // Reading a byte back returns only once the browser process has the part's bytes.
    const handedOver = part.slice(0, 1).arrayBuffer();
    // Awaited through backlog(); this only keeps a failure nobody waits for from going unhandled.
    handedOver.catch(() => {});
    this.#waiting = this.#latest;
    this.#latest = handedOver;
  }
}

export type EncryptBlobParameters = NewPackageHeaderParameters & {
  onProgress?: ProgressCallback;
  /** A faster ChaCha20-Poly1305 than the platform's, e.g. `loadWasmCipher()` in a browser. */
  cipher?: ChunkCipher;
  /** The MIME type of the package Blob. */
  type?: string;
};

export type EncryptBlobReturnType = Omit<EncryptPackageReturnType, "stream" | "packageSize"> & {
  /** The package: header, payload nonce, STREAM chunks. */
  blob: Blob;
  packageSize: number;
};

/** Encrypts a Blob (a browser File) into a package Blob, under a fresh random file key unless one is given. */
export async function encryptBlob(plaintext: Blob, p: EncryptBlobParameters): Promise<EncryptBlobReturnType> {
  const { fileKey, header } = await newPackageHeader(p);
  const encryptor = new PayloadEncryptor(fileKey, p.cipher);
  const writer = new BlobWriter();
  writer.write(header.bytes);
  writer.write(encryptor.nonce);
  let done = 0;
  await forEachPiece(plaintext, 0, writer, (piece) => {
    writer.write(encryptor.update(piece, writer.room(PayloadEncryptor.updateBound(piece.length))));
    done += piece.length;
    p.onProgress?.(done, plaintext.size);
  });
  writer.write(encryptor.final(writer.room(PayloadEncryptor.updateBound(0))));
  p.onProgress?.(plaintext.size, plaintext.size);
  return {
    blob: writer.blob(p.type ?? ""),
    fileKey,
    keyCommitment: keyCommitment(fileKey),
    header,
    packageSize: packageSize(header.bytes.length, plaintext.size),
  };
}

export type DecryptBlobParameters = {
  identities: (string | CryptoKey)[];
  onProgress?: ProgressCallback;
  /** A faster ChaCha20-Poly1305 than the platform's, e.g. `loadWasmCipher()` in a browser. */
  cipher?: ChunkCipher;
  /** The MIME type of the plaintext Blob. */
  type?: string;
};

export type DecryptBlobReturnType = { header: PackageHeader; fileKey: Uint8Array; blob: Blob };

/**
 * Opens a package held in a Blob: the security check (`openHeader`), then the payload. The plaintext Blob
 * exists only once every chunk has authenticated; otherwise this rejects with the PackageError
 * (NO_MATCHING_IDENTITY, PAYLOAD_CORRUPT, PAYLOAD_TRUNCATED, TRAILING_DATA, ...).
 */
export async function decryptBlob(pkg: Blob, p: DecryptBlobParameters): Promise<DecryptBlobReturnType> {
  const header = await readHeaderFromBlob(pkg);
  const fileKey = await openHeader(header, p.identities);
  const total = plaintextSizeOfPayload(pkg.size - header.bytes.length);
  const decryptor = new PayloadDecryptor(fileKey, p.cipher);
  const writer = new BlobWriter();
  let done = 0;
  await forEachPiece(pkg, header.bytes.length, writer, (piece) => {
    const opened = decryptor.update(piece, writer.room(PayloadDecryptor.updateBound(piece.length)));
    writer.write(opened);
    done += opened.length;
    p.onProgress?.(done, total);
  });
  const last = decryptor.final(writer.room(PayloadDecryptor.updateBound(0)));
  writer.write(last);
  done += last.length;
  p.onProgress?.(done, total);
  return { header, fileKey, blob: writer.blob(p.type ?? "") };
}
