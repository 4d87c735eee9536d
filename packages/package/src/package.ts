import { keyCommitment } from "./commitment.ts";
import { PackageError } from "./errors.ts";
import {
  MAX_HEADER_SIZE,
  type PackageHeader,
  parseHeader,
  unwrapFileKey,
  verifyHeaderMac,
  writeHeader,
} from "./header.ts";
import { type Lineage, sameContent } from "./lineage.ts";
import { PieceReader } from "./pieces.ts";
import {
  PayloadDecryptor,
  PayloadEncryptor,
  payloadSize,
  payloadStream,
  plaintextSizeOfPayload,
} from "./stream.ts";

/** Called as bytes go through: plaintext bytes done, and the plaintext total when it is known. */
export type ProgressCallback = (done: number, total: number | undefined) => void;

/** Total package size for a header of `headerSize` bytes and a plaintext of `plaintextSize` bytes. */
export function packageSize(headerSize: number, plaintextSize: number): number {
  return headerSize + payloadSize(plaintextSize);
}

/** A stream that yields `prefix` and then whatever `reader` yields, pulling only on demand. */
function withPrefix(
  prefix: Uint8Array,
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let pending = prefix.length > 0 ? prefix : undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (pending !== undefined) {
          controller.enqueue(pending);
          pending = undefined;
          return;
        }
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export type EncryptPackageParameters = {
  /** The 16-byte file key; fresh and random unless given (a publisher commits to it on chain first). */
  fileKey?: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  lineage: Lineage;
  /** The plaintext length, if known: reported as the progress total and used for `packageSize`. */
  plaintextSize?: number;
  onProgress?: ProgressCallback;
};

export type EncryptPackageReturnType = {
  /** The package: header, payload nonce, STREAM chunks. */
  stream: ReadableStream<Uint8Array>;
  fileKey: Uint8Array;
  keyCommitment: `0x${string}`;
  header: PackageHeader;
  /** Exact package length when `plaintextSize` was given. */
  packageSize: number | undefined;
};

export type NewPackageHeaderParameters = Pick<
  EncryptPackageParameters,
  "fileKey" | "holderRecipients" | "verifierRecipient" | "lineage"
>;

/** The first header of a package, under `fileKey` or a fresh random one. */
export async function newPackageHeader(
  p: NewPackageHeaderParameters,
): Promise<{ fileKey: Uint8Array; header: PackageHeader }> {
  const fileKey = p.fileKey ?? crypto.getRandomValues(new Uint8Array(16));
  const bytes = await writeHeader({
    fileKey,
    holderRecipients: p.holderRecipients,
    verifierRecipient: p.verifierRecipient,
    lineage: p.lineage,
  });
  return { fileKey, header: parseHeader(bytes) };
}

/**
 * Encrypts a plaintext stream into a new package, under a fresh random file key unless one is given. The
 * package stream is a readable byte stream: a consumer that reads it with a BYOB reader into a buffer it
 * reuses (at least 64 KiB + 16 bytes, one sealed chunk; 1 MiB reads are cheapest) gets the ciphertext written straight into that buffer.
 * Likewise a plaintext byte stream (`readFileStream`) is read into buffers of the library's own.
 */
export async function encryptPackage(
  plaintext: ReadableStream<Uint8Array>,
  p: EncryptPackageParameters,
): Promise<EncryptPackageReturnType> {
  // The first read (a file's open and read on libuv's threads) runs while the header is made.
  const pieces = new PieceReader(plaintext);
  let made: Awaited<ReturnType<typeof newPackageHeader>>;
  try {
    made = await newPackageHeader(p);
  } catch (error) {
    await pieces.cancel(error).catch(() => {});
    throw error;
  }
  const { fileKey, header } = made;
  const encryptor = new PayloadEncryptor(fileKey);
  let done = 0;
  const stream = payloadStream(pieces, encryptor, concat(header.bytes, encryptor.nonce), (consumed) => {
    done += consumed;
    p.onProgress?.(done, p.plaintextSize);
  });
  return {
    stream,
    fileKey,
    keyCommitment: keyCommitment(fileKey),
    header,
    packageSize:
      p.plaintextSize === undefined ? undefined : packageSize(header.bytes.length, p.plaintextSize),
  };
}

export type ReadPackageHeaderReturnType = {
  header: PackageHeader;
  /** The rest of the package after the header: payload nonce and STREAM chunks. */
  payload: ReadableStream<Uint8Array>;
};

/**
 * Parses the header off the front of what `next` yields, and returns it with the bytes that follow it. A
 * piece `next` yields need only stay valid until its next call (a PieceReader reuses its buffers).
 */
async function readHeaderFrom(
  next: () => Promise<Uint8Array | undefined>,
): Promise<{ header: PackageHeader; rest: Uint8Array }> {
  let buffered: Uint8Array = new Uint8Array(0);
  for (;;) {
    const value = await next();
    if (value !== undefined) buffered = concat(buffered, value);
    try {
      const header = parseHeader(buffered);
      return { header, rest: buffered.subarray(header.bytes.length) };
    } catch (error) {
      if (value === undefined || !(error instanceof PackageError && error.code === "HEADER_TRUNCATED")) {
        throw error;
      }
      if (buffered === value) buffered = value.slice();
    }
  }
}

/** Reads and parses the header off the front of a package stream, leaving the payload unread. */
export async function readPackageHeader(
  pkg: ReadableStream<Uint8Array>,
): Promise<ReadPackageHeaderReturnType> {
  const reader = pkg.getReader();
  try {
    const { header, rest } = await readHeaderFrom(async () => {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    });
    return { header, payload: withPrefix(rest, reader) };
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

/** The same as readPackageHeader, leaving the payload in `pieces`. */
async function readHeaderFromPieces(pieces: PieceReader): Promise<PackageHeader> {
  try {
    const { header, rest } = await readHeaderFrom(() => pieces.read(Number.POSITIVE_INFINITY));
    pieces.unread(rest);
    return header;
  } catch (error) {
    await pieces.cancel(error).catch(() => {});
    throw error;
  }
}

/** Reads the header of a package held in a Blob (a browser File) without reading its payload. */
export async function readHeaderFromBlob(pkg: Blob): Promise<PackageHeader> {
  return parseHeader(new Uint8Array(await pkg.slice(0, MAX_HEADER_SIZE).arrayBuffer()));
}

export type DecryptPayloadParameters = {
  /** Plaintext length, if known, for progress totals. */
  plaintextSize?: number;
  onProgress?: ProgressCallback;
};

/**
 * Decrypts a payload (nonce and STREAM chunks) with a file key the caller has already checked. The plaintext
 * is a readable byte stream, which fills a BYOB reader's buffer directly (see encryptPackage).
 */
export function decryptPayload(
  payload: ReadableStream<Uint8Array>,
  fileKey: Uint8Array,
  p: DecryptPayloadParameters = {},
): ReadableStream<Uint8Array> {
  return decryptPieces(new PieceReader(payload), fileKey, p);
}

function decryptPieces(
  pieces: PieceReader,
  fileKey: Uint8Array,
  p: DecryptPayloadParameters,
): ReadableStream<Uint8Array> {
  let done = 0;
  return payloadStream(pieces, new PayloadDecryptor(fileKey), new Uint8Array(0), (_, produced) => {
    done += produced;
    p.onProgress?.(done, p.plaintextSize);
  });
}

export type DecryptPackageParameters = {
  identities: (string | CryptoKey)[];
  /** The whole package's length, if known, for the plaintext size and progress totals. */
  packageSize?: number;
  onProgress?: ProgressCallback;
};

export type DecryptPackageReturnType = {
  header: PackageHeader;
  fileKey: Uint8Array;
  /** Expected plaintext length, when `packageSize` was given and is a possible size. */
  plaintextSize: number | undefined;
  /** The plaintext; errors with a PackageError if the payload is truncated, damaged or extended. */
  stream: ReadableStream<Uint8Array>;
};

/**
 * Opens a package: reads the header, passes the security check (`openHeader`), and returns the plaintext
 * stream. Header problems, NO_MATCHING_IDENTITY and MAC_MISMATCH reject before any payload is read.
 */
export async function decryptPackage(
  pkg: ReadableStream<Uint8Array>,
  p: DecryptPackageParameters,
): Promise<DecryptPackageReturnType> {
  const pieces = new PieceReader(pkg);
  const header = await readHeaderFromPieces(pieces);
  try {
    const fileKey = await openHeader(header, p.identities);
    const plaintextSize =
      p.packageSize === undefined ? undefined : plaintextSizeOfPayload(p.packageSize - header.bytes.length);
    const stream = decryptPieces(pieces, fileKey, { plaintextSize, onProgress: p.onProgress });
    return { header, fileKey, plaintextSize, stream };
  } catch (error) {
    await pieces.cancel(error).catch(() => {});
    throw error;
  }
}

/**
 * The security check: the file key of `header` if one of `identities` unwraps it and the MAC verifies.
 * Throws NO_MATCHING_IDENTITY when this copy is keyed to someone else; `header.lineage` then names the
 * holder to credit as referrer.
 */
export async function openHeader(
  header: PackageHeader,
  identities: (string | CryptoKey)[],
): Promise<Uint8Array> {
  const fileKey = await unwrapFileKey(header, identities);
  if (fileKey === null) {
    throw new PackageError("NO_MATCHING_IDENTITY", "This copy is not keyed to you.", {
      details: `content ${header.lineage.contentId} on chain ${header.lineage.chainId}, held by token ${header.lineage.holderTokenId}`,
    });
  }
  await verifyHeaderMac(header, fileKey);
  return fileKey;
}

/**
 * Checks a header meant to replace `current`'s: it must be a complete, valid header on its own and name the
 * same chain, market and content. (Its MAC can only be checked by a key holder; a wrong one fails on open.)
 */
export type ReplaceHeaderOptions = {
  /**
   * The id the market gave a content whose package was encrypted under a predicted id: its publisher, who holds
   * the file key, writes the header again for the real id. Without it, the new header must name the same content.
   */
  publishedAs?: bigint;
};

/** Parses `replacement` and checks that it may replace `current`'s header: the same content, or its real id. */
export function checkReplacementHeader(
  current: PackageHeader,
  replacement: Uint8Array,
  options: ReplaceHeaderOptions = {},
): PackageHeader {
  const next = parseHeader(replacement);
  if (next.bytes.length !== replacement.length) {
    throw new PackageError("HEADER_MALFORMED", "The package header is malformed.", {
      details: "bytes follow the MAC line of the new header",
    });
  }
  const expected = { ...current.lineage, contentId: options.publishedAs ?? current.lineage.contentId };
  if (!sameContent(expected, next.lineage)) {
    throw new PackageError("REKEY_CONTENT_MISMATCH", "The new header is for different content.", {
      details: `package: content ${expected.contentId} at ${current.lineage.market} on chain ${current.lineage.chainId}; header: content ${next.lineage.contentId} at ${next.lineage.market} on chain ${next.lineage.chainId}`,
    });
  }
  return next;
}

/**
 * Re-keys a package held in a Blob without reading or copying its payload: the new header followed by a
 * slice of the original. This is what keeps re-keying O(1) in the browser.
 */
export async function rekeyBlob(
  pkg: Blob,
  newHeader: Uint8Array,
  options: ReplaceHeaderOptions = {},
): Promise<Blob> {
  const current = await readHeaderFromBlob(pkg);
  checkReplacementHeader(current, newHeader, options);
  return new Blob([newHeader as Uint8Array<ArrayBuffer>, pkg.slice(current.bytes.length)], {
    type: pkg.type,
  });
}
