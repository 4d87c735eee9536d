import { sha1 } from "@noble/hashes/legacy.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { type BencodeDictionary, bencodeText, decodeBencode, encodeBencode } from "./bencode.ts";
import { DeliveryError } from "./errors.ts";

/**
 * A package as a BitTorrent v1 single-file torrent: the info dictionary WebTorrent writes for one file
 * (`length`, `name`, `piece length`, `pieces`, nothing else), so that a browser seeding the same bytes under the
 * same name and piece length lands in the same swarm.
 */
export type TorrentInfo = {
  name: string;
  pieceLength: number;
  length: number;
  /** The SHA-1 of every piece, 20 bytes each, in order. */
  pieces: Uint8Array;
};

export type Torrent = {
  /** SHA-1 of the bencoded info dictionary, 40 lowercase hex digits. */
  infoHash: string;
  info: TorrentInfo;
  /** Tracker URLs, first one first. */
  announce: string[];
  /** Web seeds (BEP 19). */
  urlList: string[];
  /** The .torrent file. */
  torrentFile: Uint8Array;
};

export const MIN_PIECE_LENGTH = 1024 * 1024;
export const MAX_PIECE_LENGTH = 16 * 1024 * 1024;
/** About this many pieces at most: a 16 GiB package still has a .torrent of 20 KiB of piece hashes. */
const TARGET_PIECES = 1024;
/** A .torrent larger than this is refused before it is parsed. */
export const MAX_TORRENT_SIZE = 4 * 1024 * 1024;

/**
 * The piece length of a package of `size` bytes: a power of two, at least 1 MiB, growing past it only to keep the
 * torrent at or under 1,024 pieces. WebTorrent asks a web seed for one whole piece per HTTP request, so smaller pieces
 * cost a round trip each; peers exchange 16 KiB blocks whatever it is (docs/benchmarks.md has the measurements).
 */
export function choosePieceLength(size: number): number {
  let length = MIN_PIECE_LENGTH;
  while (length < MAX_PIECE_LENGTH && length * TARGET_PIECES < size) length *= 2;
  return length;
}

export function pieceCount(info: Pick<TorrentInfo, "length" | "pieceLength">): number {
  return Math.ceil(info.length / info.pieceLength);
}

/** The byte length of piece `index`: the piece length, except for a shorter last one. */
export function pieceSize(info: Pick<TorrentInfo, "length" | "pieceLength">, index: number): number {
  return Math.min(info.pieceLength, info.length - index * info.pieceLength);
}

const subtle = globalThis.crypto?.subtle;

/**
 * SHA-1 of a piece. WebCrypto hashes about five times as fast as noble (1.7 against 0.3 GB/s here), but pages
 * served over plain HTTP to another host than localhost have no `crypto.subtle`; noble covers them.
 */
export async function sha1Digest(bytes: Uint8Array): Promise<Uint8Array> {
  if (subtle) return new Uint8Array(await subtle.digest("SHA-1", bytes as Uint8Array<ArrayBuffer>));
  return sha1(bytes);
}

/** A name that is one file name on every system: a .torrent's name becomes a path on the fetcher's disk. */
export function isSafeFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name !== "." &&
    name !== ".." &&
    new TextEncoder().encode(name).length <= 255 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[/\\\u0000-\u001f]/.test(name)
  );
}

function infoDictionary(info: TorrentInfo): BencodeDictionary {
  return { length: info.length, name: info.name, "piece length": info.pieceLength, pieces: info.pieces };
}

export function infoHashOf(info: TorrentInfo): string {
  return bytesToHex(sha1(encodeBencode(infoDictionary(info))));
}

export type TorrentFileOptions = { announce?: readonly string[]; urlList?: readonly string[] };

/** The .torrent file of `info`; no creation date, so that the same package always gives the same bytes. */
export function encodeTorrentFile(info: TorrentInfo, options: TorrentFileOptions = {}): Uint8Array {
  const announce = [...new Set(options.announce ?? [])];
  const urlList = [...new Set(options.urlList ?? [])];
  const file: BencodeDictionary = { info: infoDictionary(info) };
  if (announce.length > 0) {
    file.announce = announce[0] as string;
    file["announce-list"] = announce.map((url) => [url]);
  }
  if (urlList.length > 0) file["url-list"] = urlList;
  return encodeBencode(file);
}

/** Cuts bytes into pieces as they arrive, in any chunks, and hashes each one: constant memory for any size. */
export class PieceHasher {
  readonly pieceLength: number;
  length = 0;
  private readonly hashes: Uint8Array[] = [];
  private piece: Uint8Array;
  private filled = 0;

  constructor(pieceLength: number) {
    this.pieceLength = pieceLength;
    this.piece = new Uint8Array(pieceLength);
  }

  async update(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.pieceLength - this.filled, chunk.length - offset);
      this.piece.set(chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.pieceLength) {
        this.hashes.push(await sha1Digest(this.piece));
        this.piece = new Uint8Array(this.pieceLength);
        this.filled = 0;
      }
    }
    this.length += chunk.length;
  }

  async finish(): Promise<{ pieces: Uint8Array; length: number }> {
    if (this.filled > 0) {
      this.hashes.push(await sha1Digest(this.piece.subarray(0, this.filled)));
      this.filled = 0;
    }
    if (this.length === 0) throw new TypeError("an empty file cannot be a torrent");
    const pieces = new Uint8Array(this.hashes.length * 20);
    this.hashes.forEach((hash, index) => {
      pieces.set(hash, index * 20);
    });
    return { pieces, length: this.length };
  }
}

export type CreateTorrentParameters = TorrentFileOptions & {
  name: string;
  /** `choosePieceLength(size)` when not given, which needs the size up front: a Blob, or `size`. */
  pieceLength?: number;
  size?: number;
  onProgress?: (done: number, total: number | undefined) => void;
};

export type TorrentSource = Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

async function* chunksOf(source: TorrentSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Blob) {
    yield* chunksOf(source.stream());
    return;
  }
  if (source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array>;
}

/**
 * Cuts `source` into pieces as it streams, so that any size is hashed in constant memory, and hashes each piece.
 * Given a stream, either the size or the piece length must be known first.
 */
export async function createTorrent(
  source: TorrentSource,
  parameters: CreateTorrentParameters,
): Promise<Torrent> {
  const { name, onProgress } = parameters;
  if (!isSafeFileName(name)) throw new TypeError(`"${name}" cannot name a torrent's file`);
  const size = parameters.size ?? (source instanceof Blob ? source.size : undefined);
  const pieceLength = parameters.pieceLength ?? (size === undefined ? undefined : choosePieceLength(size));
  if (pieceLength === undefined)
    throw new TypeError("createTorrent needs the size or the piece length of a stream");
  const hasher = new PieceHasher(pieceLength);
  for await (const chunk of chunksOf(source)) {
    await hasher.update(chunk);
    onProgress?.(hasher.length, size);
  }
  const { pieces, length } = await hasher.finish();
  const info = { name, pieceLength, length, pieces };
  const announce = [...new Set(parameters.announce ?? [])];
  const urlList = [...new Set(parameters.urlList ?? [])];
  return {
    infoHash: infoHashOf(info),
    info,
    announce,
    urlList,
    torrentFile: encodeTorrentFile(info, { announce, urlList }),
  };
}

/** The same torrent with other trackers and web seeds: its info hash does not change. */
export function withSources(torrent: Torrent, options: TorrentFileOptions): Torrent {
  const announce = [...new Set(options.announce ?? [])];
  const urlList = [...new Set(options.urlList ?? [])];
  return {
    ...torrent,
    announce,
    urlList,
    torrentFile: encodeTorrentFile(torrent.info, { announce, urlList }),
  };
}

function invalid(details: string): DeliveryError {
  return new DeliveryError("TORRENT_INVALID", "This is not a valid .torrent file.", { details });
}

function textList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (Array.isArray(entry)) return textList(entry);
    const text = bencodeText(entry);
    return text === undefined ? [] : [text];
  });
}

/** Parses a single-file .torrent and hashes its info dictionary exactly as the file has it. */
export function parseTorrent(bytes: Uint8Array): Torrent {
  if (bytes.length > MAX_TORRENT_SIZE) throw invalid(`larger than ${MAX_TORRENT_SIZE} bytes`);
  const { value, spans } = decodeBencode(bytes);
  if (typeof value !== "object" || value instanceof Uint8Array || Array.isArray(value)) {
    throw invalid("the top level is not a dictionary");
  }
  const raw = value.info;
  const span = spans.get("info");
  if (typeof raw !== "object" || raw instanceof Uint8Array || Array.isArray(raw) || !span) {
    throw invalid("there is no info dictionary");
  }
  if (raw.files !== undefined) throw invalid("a multi-file torrent is not a package");
  const name = bencodeText(raw.name);
  const pieceLength = raw["piece length"];
  const length = raw.length;
  const pieces = raw.pieces;
  if (name === undefined || !isSafeFileName(name)) throw invalid("the name is missing or not a file name");
  if (typeof pieceLength !== "number" || pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH * 4) {
    throw invalid("the piece length is missing or out of range");
  }
  if (typeof length !== "number" || length <= 0) throw invalid("the length is missing or not positive");
  if (!(pieces instanceof Uint8Array) || pieces.length !== 20 * Math.ceil(length / pieceLength)) {
    throw invalid("the piece hashes do not cover the length");
  }
  const info = { name, pieceLength, length, pieces };
  const announce = [...new Set([...textList([value.announce]), ...textList(value["announce-list"])])];
  return {
    infoHash: bytesToHex(sha1(bytes.subarray(span.start, span.end))),
    info,
    announce,
    urlList: [
      ...new Set(textList(typeof value["url-list"] === "object" ? value["url-list"] : [value["url-list"]])),
    ],
    torrentFile: bytes,
  };
}

/** Whether `bytes` is piece `index` of `info`. */
export async function verifyPiece(info: TorrentInfo, index: number, bytes: Uint8Array): Promise<boolean> {
  if (bytes.length !== pieceSize(info, index)) return false;
  const expected = info.pieces.subarray(index * 20, index * 20 + 20);
  const actual = await sha1Digest(bytes);
  return actual.every((byte, i) => byte === expected[i]);
}
