import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { keyCommitment } from "./commitment.ts";
import { MAX_HEADER_SIZE, type PackageHeader, parseHeader } from "./header.ts";
import type { Lineage } from "./lineage.ts";
import { checkReplacementHeader, decryptPackage, encryptPackage, type ProgressCallback } from "./package.ts";

// Node-only file helpers. Kept out of index.ts so that a browser bundle of the package never sees node:fs.

const IO_SIZE = 1 << 20;

/** Reads a file from `start` in 1 MiB pieces, only as fast as the consumer pulls. */
function fileSource(handle: FileHandle, start = 0): ReadableStream<Uint8Array> {
  let position = start;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const buffer = Buffer.allocUnsafe(IO_SIZE);
      const { bytesRead } = await handle.read(buffer, 0, IO_SIZE, position);
      if (bytesRead === 0) {
        controller.close();
        return;
      }
      position += bytesRead;
      controller.enqueue(buffer.subarray(0, bytesRead));
    },
  });
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    offset += (await handle.write(bytes, offset, bytes.length - offset)).bytesWritten;
  }
}

function fileSink(handle: FileHandle): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({ write: (chunk) => writeAll(handle, chunk) });
}

/**
 * Runs `produce` against a fresh temporary file beside `outPath`, and renames it to `outPath` only once
 * `produce` has finished (for decryption: once the final chunk has authenticated). On any error the
 * temporary file is removed, so nothing ever appears under `outPath` that is not complete and verified.
 */
async function writeAtomically<T>(outPath: string, produce: (handle: FileHandle) => Promise<T>): Promise<T> {
  const temporary = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString("hex")}.part`);
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
  /** The 16-byte file key; fresh and random unless given. */
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
    const { size } = await input.stat();
    const result = await encryptPackage(fileSource(input), { ...opts, plaintextSize: size, onProgress });
    await writeAtomically(outPath, (out) => result.stream.pipeTo(fileSink(out)));
    return {
      fileKey: result.fileKey,
      keyCommitment: keyCommitment(result.fileKey),
      header: result.header,
      packageSize: result.packageSize as number,
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
    const { size } = await input.stat();
    const opened = await decryptPackage(fileSource(input), { identities, packageSize: size, onProgress });
    let written = 0;
    await writeAtomically(outPath, (out) =>
      opened.stream.pipeTo(
        new WritableStream<Uint8Array>({
          async write(chunk) {
            await writeAll(out, chunk);
            written += chunk.length;
          },
        }),
      ),
    );
    return { header: opened.header, fileKey: opened.fileKey, plaintextSize: written };
  });
}

export type RekeyFileReturnType = { header: PackageHeader; packageSize: number };

/**
 * Writes `newHeaderBytes` followed by the untouched payload of the package at `pkgPath` to `outPath`
 * (which may be `pkgPath` itself). The new header must name the same content; the payload is copied
 * byte for byte, never decrypted, since the file key and payload nonce do not change.
 */
export async function rekeyFile(
  pkgPath: string,
  outPath: string,
  newHeaderBytes: Uint8Array,
): Promise<RekeyFileReturnType> {
  return withFile(pkgPath, async (input) => {
    const current = await readHeaderFromHandle(input);
    const header = checkReplacementHeader(current, newHeaderBytes);
    const packageSize = await writeAtomically(outPath, async (out) => {
      await writeAll(out, header.bytes);
      const buffer = Buffer.allocUnsafe(4 * IO_SIZE);
      let position = current.bytes.length;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        await writeAll(out, buffer.subarray(0, bytesRead));
      }
      return header.bytes.length + position - current.bytes.length;
    });
    return { header, packageSize };
  });
}
