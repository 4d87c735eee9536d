import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { keyCommitment } from "./commitment.ts";
import { MAX_HEADER_SIZE, type PackageHeader, parseHeader } from "./header.ts";
import type { Lineage } from "./lineage.ts";
import {
  checkReplacementHeader,
  newPackageHeader,
  openHeader,
  type ProgressCallback,
  packageSize,
  type ReplaceHeaderOptions,
} from "./package.ts";
import { PayloadDecryptor, PayloadEncryptor, plaintextSizeOfPayload } from "./stream.ts";

// Node-only file helpers, kept out of index.ts so that a browser bundle never sees node:fs. They drive the
// same STREAM state machines as the Web Streams API, but with a fixed set of buffers: one file's worth of
// fresh megabyte buffers costs a page fault per 4 KiB, more CPU than the cipher itself.

const IO_SIZE = 1 << 20;

/**
 * Reads a file from `start` to its end in 1 MiB pieces, reading the next piece while `consume` handles the
 * current one. A piece is only valid until `consume`'s promise settles. Returns the end offset.
 */
async function forEachPiece(
  handle: FileHandle,
  start: number,
  consume: (piece: Uint8Array) => Promise<void>,
): Promise<number> {
  const buffers = [Buffer.allocUnsafe(IO_SIZE), Buffer.allocUnsafe(IO_SIZE)] as const;
  let position = start;
  let turn = 0;
  let reading = handle.read(buffers[turn], 0, IO_SIZE, position);
  for (;;) {
    const { bytesRead, buffer } = await reading;
    if (bytesRead === 0) return position;
    position += bytesRead;
    turn ^= 1;
    reading = handle.read(buffers[turn], 0, IO_SIZE, position);
    try {
      await consume(buffer.subarray(0, bytesRead));
    } catch (error) {
      await reading.catch(() => {});
      throw error;
    }
  }
}

/**
 * The file at `path` from `start` on as a readable byte stream. A BYOB reader's buffer is read into
 * directly, so a consumer that reuses its buffers (encryptPackage and decryptPackage do) costs no fresh
 * buffer per read; a default reader gets a buffer of its own per 1 MiB read. Either way nothing is copied
 * on the main thread: `Readable.toWeb` over a file stream copies every chunk once more there, which costs
 * as much CPU as the cipher.
 */
export function readFileStream(path: string, start = 0): ReadableStream<Uint8Array> {
  let handle: FileHandle | undefined;
  let position = start;
  const close = async () => {
    await handle?.close();
    handle = undefined;
  };
  return new ReadableStream({
    type: "bytes",
    async start() {
      handle = await open(path, "r");
    },
    async pull(controller) {
      if (handle === undefined) return;
      const request = controller.byobRequest;
      // A byte stream's request view is always a Uint8Array.
      const into = (request?.view as Uint8Array<ArrayBuffer> | undefined) ?? Buffer.allocUnsafe(IO_SIZE);
      try {
        const { bytesRead } = await handle.read(into, 0, into.length, position);
        if (bytesRead === 0) {
          await close();
          controller.close();
          request?.respond(0);
          return;
        }
        position += bytesRead;
        if (request !== null) request.respond(bytesRead);
        else controller.enqueue(into.subarray(0, bytesRead));
      } catch (error) {
        await close().catch(() => {});
        throw error;
      }
    },
    cancel: close,
  });
}

/** Writes all of `bytes` at the file's position, or at `position` when given. */
async function writeAll(handle: FileHandle, bytes: Uint8Array, position?: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const at = position === undefined ? undefined : position + offset;
    offset += (await handle.write(bytes, offset, bytes.length - offset, at)).bytesWritten;
  }
}

/**
 * Keeps one write in flight while the caller produces the next output into its other buffer: each write
 * is a hand-off to a libuv thread, and on a busy machine waiting for it between chunks halves throughput.
 */
class OverlappedWriter {
  readonly #handle: FileHandle;
  readonly #buffers: [Buffer, Buffer];
  #turn = 0;
  #pending: Promise<void> = Promise.resolve();

  constructor(handle: FileHandle, bufferSize: number) {
    this.#handle = handle;
    this.#buffers = [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)];
  }

  /** The buffer to produce the next output into: never the one being written. */
  next(): Buffer {
    this.#turn ^= 1;
    return this.#buffers[this.#turn] as Buffer;
  }

  /** Waits for the previous write, then starts writing `bytes` (a view of the last `next()` buffer). */
  async write(bytes: Uint8Array): Promise<void> {
    await this.#pending;
    const writing = writeAll(this.#handle, bytes);
    // Awaited by the next write or by flush; this only keeps an abandoned failure from going unhandled.
    writing.catch(() => {});
    this.#pending = writing;
  }

  flush(): Promise<void> {
    return this.#pending;
  }
}

/**
 * Runs `produce` against a fresh temporary file beside `outPath`, and renames it to `outPath` only once
 * `produce` has finished (for decryption: once the final chunk has authenticated). On any error the
 * temporary file is removed, so nothing ever appears under `outPath` that is not complete and verified.
 */
async function writeAtomically<T>(outPath: string, produce: (handle: FileHandle) => Promise<T>): Promise<T> {
  const temporary = temporaryBeside(outPath);
  const handle = await open(temporary, "wx");
  try {
    const result = await produce(handle);
    await handle.close();
    await rename(temporary, outPath);
    return result;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

function temporaryBeside(outPath: string): string {
  return join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString("hex")}.part`);
}

async function withFile<T>(path: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(path, "r");
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}

async function readHeaderFromHandle(handle: FileHandle): Promise<PackageHeader> {
  const buffer = new Uint8Array(MAX_HEADER_SIZE);
  let filled = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, filled, MAX_HEADER_SIZE - filled, filled);
    filled += bytesRead;
    if (bytesRead === 0 || filled === MAX_HEADER_SIZE) break;
  }
  return parseHeader(buffer.subarray(0, filled));
}

/** Reads and parses only the header of the package at `path`. */
export async function readHeaderFromFile(path: string): Promise<PackageHeader> {
  return withFile(path, readHeaderFromHandle);
}

export type EncryptFileOptions = {
  /** The 16-byte file key; fresh and random unless given (a publisher commits to it on chain first). */
  fileKey?: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  lineage: Lineage;
};

export type EncryptFileReturnType = {
  fileKey: Uint8Array;
  keyCommitment: `0x${string}`;
  header: PackageHeader;
  packageSize: number;
};

/** Encrypts the file at `inPath` into a new package at `outPath`, under a fresh file key unless one is given. */
export async function encryptFile(
  inPath: string,
  outPath: string,
  opts: EncryptFileOptions,
  onProgress?: ProgressCallback,
): Promise<EncryptFileReturnType> {
  return withFile(inPath, async (input) => {
    const { size: total } = await input.stat();
    const { fileKey, header } = await newPackageHeader(opts);
    const encryptor = new PayloadEncryptor(fileKey);
    let done = 0;
    const size = await writeAtomically(outPath, async (out) => {
      await writeAll(out, header.bytes);
      await writeAll(out, encryptor.nonce);
      const writer = new OverlappedWriter(out, PayloadEncryptor.updateBound(IO_SIZE));
      const end = await forEachPiece(input, 0, async (piece) => {
        await writer.write(encryptor.update(piece, writer.next()));
        done += piece.length;
        onProgress?.(done, total);
      });
      await writer.write(encryptor.final(writer.next()));
      await writer.flush();
      onProgress?.(end, end);
      return end;
    });
    return {
      fileKey,
      keyCommitment: keyCommitment(fileKey),
      header,
      packageSize: packageSize(header.bytes.length, size),
    };
  });
}

export type DecryptFileReturnType = { header: PackageHeader; fileKey: Uint8Array; plaintextSize: number };

/**
 * Decrypts the package at `pkgPath` to `outPath`. Rejects with a PackageError (NO_MATCHING_IDENTITY,
 * MAC_MISMATCH, PAYLOAD_TRUNCATED, ...) and leaves no file at `outPath` unless every chunk authenticated.
 */
export async function decryptFile(
  pkgPath: string,
  outPath: string,
  identities: (string | CryptoKey)[],
  onProgress?: ProgressCallback,
): Promise<DecryptFileReturnType> {
  return withFile(pkgPath, async (input) => {
    const header = await readHeaderFromHandle(input);
    const fileKey = await openHeader(header, identities);
    const total = plaintextSizeOfPayload((await input.stat()).size - header.bytes.length);
    const decryptor = new PayloadDecryptor(fileKey);
    let done = 0;
    await writeAtomically(outPath, async (out) => {
      const writer = new OverlappedWriter(out, PayloadDecryptor.updateBound(IO_SIZE));
      await forEachPiece(input, header.bytes.length, async (piece) => {
        const plaintext = decryptor.update(piece, writer.next());
        await writer.write(plaintext);
        done += plaintext.length;
        onProgress?.(done, total);
      });
      const last = decryptor.final(writer.next());
      await writer.write(last);
      await writer.flush();
      done += last.length;
      onProgress?.(done, total);
    });
    return { header, fileKey, plaintextSize: done };
  });
}

export type RekeyFileReturnType = { header: PackageHeader; packageSize: number };

export type RekeyFileOptions = ReplaceHeaderOptions & {
  /**
   * When `outPath` is `pkgPath` and the new header is as long as the old one, write it over the old one: constant
   * time on any file system, but not atomic. A crash in the middle of that one small write can leave the file with
   * a torn header, which nothing opens; the payload is untouched, and any other copy re-keys again.
   */
  inPlace?: boolean;
};

/**
 * Writes `newHeaderBytes` followed by the untouched payload of the package at `pkgPath` to `outPath`
 * (which may be `pkgPath` itself). The new header must name the same content; the payload is copied
 * byte for byte, never decrypted, since the file key and payload nonce do not change.
 *
 * A header of the same length as the old one (a copy keyed to one holder re-keyed to another, token ids of as many
 * digits) goes over the first bytes of a reflink of the whole file, in constant time, where the file system has
 * reflinks (XFS, Btrfs). Elsewhere, and for any other header, the header is written in front of a copy of the
 * payload, which costs its size.
 */
export async function rekeyFile(
  pkgPath: string,
  outPath: string,
  newHeaderBytes: Uint8Array,
  options: RekeyFileOptions = {},
): Promise<RekeyFileReturnType> {
  return withFile(pkgPath, async (input) => {
    const current = await readHeaderFromHandle(input);
    const header = checkReplacementHeader(current, newHeaderBytes, options);
    const packageSize = (await input.stat()).size - current.bytes.length + header.bytes.length;
    const sameLength = header.bytes.length === current.bytes.length;
    if (sameLength && options.inPlace && resolve(outPath) === resolve(pkgPath)) {
      await withWritableFile(pkgPath, (output) => writeAll(output, header.bytes, 0));
      return { header, packageSize };
    }
    if (sameLength && (await writeOverClone(pkgPath, outPath, current.bytes, header.bytes))) {
      return { header, packageSize };
    }
    await writeAtomically(outPath, async (out) => {
      await writeAll(out, header.bytes);
      await forEachPiece(input, current.bytes.length, (piece) => writeAll(out, piece));
    });
    return { header, packageSize };
  });
}

/**
 * Puts a reflink of `source` with `newHeader` written over `oldHeader` at `outPath`, or returns false and leaves
 * nothing behind where the file system has no reflinks. `copyFile` without the force flag would fall back to the
 * kernel copying the file, which on ext4 was slower than streaming it through this process. `source` names the
 * file whose header was read unless something renamed another over it since: its first bytes tell.
 */
async function writeOverClone(
  source: string,
  outPath: string,
  oldHeader: Uint8Array,
  newHeader: Uint8Array,
): Promise<boolean> {
  const temporary = temporaryBeside(outPath);
  try {
    await copyFile(source, temporary, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
  } catch {
    await rm(temporary, { force: true });
    return false;
  }
  try {
    const written = await withWritableFile(temporary, async (handle) => {
      const { bytesRead, buffer } = await handle.read(
        new Uint8Array(oldHeader.length),
        0,
        oldHeader.length,
        0,
      );
      if (bytesRead !== oldHeader.length || !Buffer.from(buffer).equals(oldHeader)) return false;
      await writeAll(handle, newHeader, 0);
      return true;
    });
    if (written) await rename(temporary, outPath);
    else await rm(temporary, { force: true });
    return written;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function withWritableFile<T>(path: string, use: (handle: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(path, "r+");
  try {
    return await use(handle);
  } finally {
    await handle.close();
  }
}
