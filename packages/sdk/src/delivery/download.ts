import { MAX_HEADER_SIZE, PackageError, type PackageHeader, parseHeader } from "@superdist/package";
import { DeliveryError } from "./errors.ts";
import { type CopySource, type Magnet, webSeedUrl } from "./magnet.ts";
import {
  choosePieceLength,
  infoHashOf,
  isSafeFileName,
  MAX_TORRENT_SIZE,
  PieceHasher,
  parseTorrent,
  pieceCount,
  pieceSize,
  type Torrent,
  verifyPiece,
} from "./torrent.ts";

/** Receives a copy's bytes in order; with a torrent, only pieces whose hash matched. */
export type CopySink = { write(bytes: Uint8Array): Promise<void> | void };

export type DownloadOptions = {
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** Bytes written so far, of the total when it is known. */
  onProgress?: (done: number, total: number | undefined) => void;
  /** Called once the torrent is known, before any of the copy's bytes are asked for. */
  onTorrent?: (torrent: Torrent) => void;
  /** A source that sends nothing for this long is dropped (or, if it is the last, the fetch fails). */
  idleTimeoutMs?: number;
};

export type DownloadedCopy = {
  name: string;
  size: number;
  header: PackageHeader;
  torrent?: Torrent;
  /** The URL the bytes came from (the last one, if a download moved from one web seed to another). */
  from: string;
};

const IDLE_TIMEOUT_MS = 30_000;
/** Pieces received but not yet written, at most: their hashes are computed while more arrive. */
const PIPELINED_PIECES = 4;

type Failure = { url: string; error: DeliveryError };

function describeFailures(failures: Failure[]): string {
  return failures.map(({ url, error }) => `${url}: ${error.details ?? error.shortMessage}`).join("; ");
}

/** A source that could not be reached or stopped answering; `url` goes in the details unless a list names it. */
function unreachable(url: string | undefined, cause: unknown): DeliveryError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new DeliveryError("FETCH_FAILED", "The copy's source could not be reached.", {
    details: url ? `${url}: ${reason}` : reason,
    cause,
  });
}

/** A fetch whose body must keep arriving: the signal aborts after `idleMs` without a byte. */
function idleGuard(parent: AbortSignal | undefined, idleMs: number) {
  const controller = new AbortController();
  const abort = () => controller.abort(parent?.reason);
  parent?.addEventListener("abort", abort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`nothing arrived for ${idleMs / 1000} s`)), idleMs);
  };
  touch();
  return {
    signal: controller.signal,
    touch,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", abort);
    },
  };
}

/** Checks the first bytes to arrive are a package header, so that a wrong file is refused after 16 KiB. */
class HeaderCheck {
  private head = new Uint8Array(0);
  header: PackageHeader | undefined;
  /** The copy's length once known, so that a copy shorter than a full header is judged when it ends. */
  total: number | undefined;

  constructor(total: number | undefined) {
    this.total = total;
  }

  take(bytes: Uint8Array): void {
    if (this.header) return;
    const room = MAX_HEADER_SIZE - this.head.length;
    if (room > 0) {
      const next = new Uint8Array(this.head.length + Math.min(room, bytes.length));
      next.set(this.head);
      next.set(bytes.subarray(0, room), this.head.length);
      this.head = next;
    }
    const complete = this.head.length >= MAX_HEADER_SIZE || this.head.length === this.total;
    this.check(complete);
  }

  finish(): PackageHeader {
    this.check(true);
    return this.header as PackageHeader;
  }

  private check(complete: boolean): void {
    if (this.header) return;
    try {
      this.header = parseHeader(this.head);
    } catch (error) {
      if (!complete && error instanceof PackageError && error.code === "HEADER_TRUNCATED") return;
      const reason = error instanceof PackageError ? error.shortMessage : String(error);
      throw new DeliveryError("NOT_A_PACKAGE", "What was fetched is not a superdist package.", {
        details: reason,
        cause: error,
      });
    }
  }
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) throw new Error(`${declared} bytes is more than a .torrent may have`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > limit) throw new Error(`${bytes.length} bytes is more than a .torrent may have`);
  return bytes;
}

/** Where a magnet's .torrent may be: its `xs` URLs, then each web seed's URL with ".torrent" appended. */
export function torrentUrlsOf(magnet: Magnet): string[] {
  const fromSeeds = magnet.webSeeds
    .filter((seed) => magnet.name !== undefined || !seed.endsWith("/"))
    .map((seed) => `${webSeedUrl(seed, magnet.name ?? "")}.torrent`);
  return [...new Set([...magnet.torrentUrls, ...fromSeeds])];
}

/** Fetches the .torrent of a magnet and checks that its info dictionary has the magnet's info hash. */
export async function fetchTorrent(magnet: Magnet, options: DownloadOptions = {}): Promise<Torrent> {
  const fetch = options.fetch ?? globalThis.fetch;
  const urls = torrentUrlsOf(magnet);
  if (urls.length === 0) {
    throw new DeliveryError("NO_WEB_SEED", "This magnet names no web seed or .torrent URL.", {
      details:
        "only peers have it; open it in the dApp, which reaches browsers, or ask for a link with a web seed",
    });
  }
  const failures: Failure[] = [];
  for (const url of urls) {
    let torrent: Torrent;
    try {
      const timeout = AbortSignal.timeout(IDLE_TIMEOUT_MS);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const response = await fetch(url, { signal });
      if (!response.ok) {
        failures.push({
          url,
          error: new DeliveryError("FETCH_FAILED", "No .torrent there.", {
            details: `HTTP ${response.status}`,
          }),
        });
        continue;
      }
      torrent = parseTorrent(await readLimited(response, MAX_TORRENT_SIZE));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failures.push({ url, error: error instanceof DeliveryError ? error : unreachable(undefined, error) });
      continue;
    }
    if (torrent.infoHash === magnet.infoHash) return torrent;
    failures.push({
      url,
      error: new DeliveryError("INFO_HASH_MISMATCH", "Another torrent than the magnet's.", {
        details: `its info hash is ${torrent.infoHash}, the magnet names ${magnet.infoHash}`,
      }),
    });
  }
  const mismatch = failures.find((f) => f.error.code === "INFO_HASH_MISMATCH");
  if (mismatch) {
    throw new DeliveryError(
      "INFO_HASH_MISMATCH",
      "The .torrent offered for this magnet is of another file.",
      {
        details: describeFailures(failures),
      },
    );
  }
  throw new DeliveryError("TORRENT_UNAVAILABLE", "No source gave this magnet's .torrent.", {
    details: describeFailures(failures),
  });
}

/** The first byte a response carries, or a reason to drop the source. */
function startOf(response: Response, offset: number, length: number): number {
  if (response.status === 200) {
    const declared = response.headers.get("content-length");
    if (declared !== null && Number(declared) !== length) {
      throw new DeliveryError("LENGTH_MISMATCH", "The web seed has another file.", {
        details: `it is ${declared} bytes long, the torrent says ${length}`,
      });
    }
    return 0;
  }
  if (response.status === 206) {
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
    if (!match)
      throw new DeliveryError("FETCH_FAILED", "Bad partial response.", { details: "no Content-Range" });
    if (match[3] !== "*" && Number(match[3]) !== length) {
      throw new DeliveryError("LENGTH_MISMATCH", "The web seed has another file.", {
        details: `it is ${match[3]} bytes long, the torrent says ${length}`,
      });
    }
    if (Number(match[1]) !== offset) {
      throw new DeliveryError("FETCH_FAILED", "Bad partial response.", {
        details: `asked for bytes from ${offset}, got ${match[1]}`,
      });
    }
    return offset;
  }
  if (response.status === 416) {
    throw new DeliveryError("LENGTH_MISMATCH", "The web seed has another file.", {
      details: `it has no byte ${offset}`,
    });
  }
  throw new DeliveryError("FETCH_FAILED", "The web seed refused.", { details: `HTTP ${response.status}` });
}

/**
 * Streams the torrent's file from its web seeds, hashing each piece as it completes; a source that sends a bad
 * piece, the wrong length or nothing is dropped, and the next one resumes at the first piece not yet written.
 */
export async function downloadTorrent(
  torrent: Torrent,
  seeds: readonly string[],
  sink: CopySink,
  options: DownloadOptions = {},
): Promise<{ from: string }> {
  const fetch = options.fetch ?? globalThis.fetch;
  const { info } = torrent;
  const pieces = pieceCount(info);
  /** Pieces verified and written, in order: where the next source resumes. */
  let written = 0;
  const failures: Failure[] = [];
  for (const url of seeds) {
    const offset = written * info.pieceLength;
    const guard = idleGuard(options.signal, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        signal: guard.signal,
      });
      let position = startOf(response, offset, info.length);
      if (!response.body) throw new DeliveryError("FETCH_FAILED", "Empty response.", { details: "no body" });
      const reader = response.body.getReader();
      let index = written;
      let piece = new Uint8Array(pieceSize(info, index));
      let filled = 0;
      // A piece is hashed while the next one arrives; writes stay in order, a few pieces behind at most.
      let writes: Promise<void> = Promise.resolve();
      let failed: unknown;
      try {
        while (index < pieces) {
          if (failed) throw failed;
          const { done, value } = await reader.read();
          if (done) {
            throw new DeliveryError("LENGTH_MISMATCH", "The web seed stopped early.", {
              details: `it ended at byte ${position} of ${info.length}`,
            });
          }
          guard.touch();
          let at = 0;
          // A server that ignored the Range header sends from byte 0: skip what is already written.
          if (position < offset) {
            at = Math.min(value.length, offset - position);
            position += at;
          }
          while (at < value.length && index < pieces) {
            const take = Math.min(piece.length - filled, value.length - at);
            piece.set(value.subarray(at, at + take), filled);
            filled += take;
            at += take;
            position += take;
            if (filled < piece.length) continue;
            const bytes = piece;
            const complete = index;
            const verified = verifyPiece(info, complete, bytes);
            writes = writes.then(async () => {
              if (!(await verified)) {
                throw new DeliveryError("PIECE_CORRUPT", "A piece does not match its hash.", {
                  details: `piece ${complete} of ${pieces} (bytes ${complete * info.pieceLength}-${complete * info.pieceLength + bytes.length - 1})`,
                });
              }
              await sink.write(bytes);
              written = complete + 1;
              options.onProgress?.(Math.min(written * info.pieceLength, info.length), info.length);
            });
            writes.catch((error) => {
              failed ??= error;
            });
            index++;
            if (index - written >= PIPELINED_PIECES) await writes;
            if (index < pieces) piece = new Uint8Array(pieceSize(info, index));
            filled = 0;
          }
        }
        await writes;
      } finally {
        await writes.catch(() => {});
        await reader.cancel().catch(() => {});
      }
      return { from: url };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      // A sink's own failure (a full disk) is no reason to try another source.
      if (error instanceof DeliveryError && error.code === "NOT_A_PACKAGE") throw error;
      if (!(error instanceof DeliveryError) && !guard.signal.aborted && !isNetworkError(error)) throw error;
      failures.push({
        url,
        error: error instanceof DeliveryError ? error : unreachable(undefined, guard.signal.reason ?? error),
      });
    } finally {
      guard.dispose();
    }
  }
  if (failures.length === 0) {
    throw new DeliveryError("NO_WEB_SEED", "This copy has no web seed.", {
      details: "neither the magnet nor its .torrent names an HTTP source",
    });
  }
  const corrupt = failures.find((f) => f.error.code === "PIECE_CORRUPT");
  const code = corrupt ? "PIECE_CORRUPT" : (failures.at(-1) as Failure).error.code;
  const message = corrupt
    ? "The copy arrived damaged from every source: a piece does not match the torrent's hash."
    : "No web seed delivered the copy.";
  throw new DeliveryError(code, message, { details: describeFailures(failures) });
}

function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && error.name === "AbortError");
}

/** The web seeds of a torrent: the magnet's, its plain download URLs, then the .torrent's own. */
export function webSeedsOf(magnet: Magnet, torrent: Torrent): string[] {
  const seeds = [...magnet.webSeeds, ...magnet.urls, ...torrent.urlList].map((seed) =>
    webSeedUrl(seed, torrent.info.name),
  );
  return [...new Set(seeds)];
}

function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split("/").filter(Boolean).at(-1);
  try {
    return last ? decodeURIComponent(last) : "copy.superdist";
  } catch {
    return last ?? "copy.superdist";
  }
}

/** A plain HTTP(S) download: no piece hashes, so the package's own checks (header now, STREAM on opening) stand. */
async function downloadUrl(
  url: string,
  sink: CopySink,
  check: HeaderCheck,
  options: DownloadOptions,
): Promise<{ size: number; name: string }> {
  const fetch = options.fetch ?? globalThis.fetch;
  const guard = idleGuard(options.signal, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: guard.signal });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      throw unreachable(url, guard.signal.reason ?? error);
    }
    if (!response.ok || !response.body) {
      throw new DeliveryError("FETCH_FAILED", "The copy could not be fetched.", {
        details: `${url}: HTTP ${response.status}`,
      });
    }
    const declared = response.headers.get("content-length");
    const total = declared === null ? undefined : Number(declared);
    check.total = total;
    const reader = response.body.getReader();
    let size = 0;
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (options.signal?.aborted) throw options.signal.reason ?? error;
          throw unreachable(url, guard.signal.reason ?? error);
        }
        if (chunk.done) break;
        guard.touch();
        await sink.write(chunk.value);
        size += chunk.value.length;
        options.onProgress?.(size, total);
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    if (total !== undefined && size !== total) {
      throw new DeliveryError("LENGTH_MISMATCH", "The download stopped early.", {
        details: `${size} of ${total} bytes arrived`,
      });
    }
    return { size, name: fileNameOf(response.url || url) };
  } finally {
    guard.dispose();
  }
}

/**
 * A magnet's plain URL when its .torrent cannot be had: the bytes are hashed as they arrive, cut as this library
 * cuts a package of that size, and the info hash of the result under the magnet's name must be the magnet's. A
 * torrent made with other piece lengths cannot be checked this way, and is refused rather than trusted.
 */
async function downloadVerifiedUrl(
  magnet: Magnet,
  url: string,
  sink: CopySink,
  options: DownloadOptions,
): Promise<DownloadedCopy> {
  const name = magnet.name;
  if (name === undefined || !isSafeFileName(name)) {
    throw new DeliveryError("TORRENT_UNAVAILABLE", "No source gave this magnet's .torrent.", {
      details: "and without a name (dn) its plain URL cannot be checked against the info hash",
    });
  }
  let hasher: PieceHasher | undefined;
  const check = new HeaderCheck(undefined);
  const { size } = await downloadUrl(
    url,
    {
      write: async (bytes) => {
        if (!hasher) {
          if (check.total === undefined) throw unverifiable("it sent no Content-Length");
          hasher = new PieceHasher(choosePieceLength(check.total));
        }
        await hasher.update(bytes);
        check.take(bytes);
        await sink.write(bytes);
      },
    },
    check,
    options,
  );
  if (!hasher) throw unverifiable("it sent nothing");
  const { pieces, length } = await hasher.finish();
  const info = { name, pieceLength: hasher.pieceLength, length, pieces };
  const infoHash = infoHashOf(info);
  if (infoHash !== magnet.infoHash) {
    throw new DeliveryError(
      "INFO_HASH_MISMATCH",
      "The file at the magnet's URL is not the torrent it names.",
      {
        details: `${url} hashes to ${infoHash} as "${name}", the magnet names ${magnet.infoHash}`,
      },
    );
  }
  return { name, size, header: check.finish(), from: url };
}

function unverifiable(reason: string): DeliveryError {
  return new DeliveryError("FETCH_FAILED", "The magnet's plain URL cannot be checked.", { details: reason });
}

/** Fetches a copy into `sink`, checking every piece against the torrent and the header against the format. */
export async function downloadCopy(
  source: CopySource,
  sink: CopySink,
  options: DownloadOptions = {},
): Promise<DownloadedCopy> {
  if (source.kind === "url") {
    const check = new HeaderCheck(undefined);
    const checked: CopySink = {
      write: (bytes) => {
        check.take(bytes);
        return sink.write(bytes);
      },
    };
    const { size, name } = await downloadUrl(source.url, checked, check, options);
    return { name, size, header: check.finish(), from: source.url };
  }
  const { magnet } = source;
  let torrent: Torrent;
  try {
    torrent = await fetchTorrent(magnet, options);
  } catch (error) {
    const [url] = magnet.urls;
    const noTorrent =
      error instanceof DeliveryError && ["TORRENT_UNAVAILABLE", "NO_WEB_SEED"].includes(error.code);
    if (!url || !noTorrent) throw error;
    return downloadVerifiedUrl(magnet, url, sink, options);
  }
  options.onTorrent?.(torrent);
  const check = new HeaderCheck(torrent.info.length);
  const { from } = await downloadTorrent(
    torrent,
    webSeedsOf(magnet, torrent),
    {
      write: (bytes) => {
        check.take(bytes);
        return sink.write(bytes);
      },
    },
    options,
  );
  return { name: torrent.info.name, size: torrent.info.length, header: check.finish(), torrent, from };
}
