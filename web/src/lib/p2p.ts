import { SuperdistError } from "@superdist/errors";
import { choosePieceLength, fetchCopy, type Magnet, parseMagnet } from "@superdist/sdk";
import type WebTorrent from "webtorrent/dist/webtorrent.min.js";
import type { Torrent } from "webtorrent/dist/webtorrent.min.js";

/**
 * Peer-to-peer sharing of packages between browsers over WebRTC, found through a WebSocket tracker, and fetching
 * from the web seeds a magnet names (`superdist share`, any HTTP server with CORS).
 */

export { magnetFromShareLink, shareLinkFor } from "@superdist/sdk";

/**
 * The content page naming `referrerTokenId` as referrer; a magnet rides after `#`, never reaching a server, so that
 * the visitor's copy comes from the sharer's browser or the publisher's seed.
 */
export function contentLinkFor(
  dappUrl: string,
  { contentId, referrerTokenId, magnet }: { contentId: bigint; referrerTokenId: bigint; magnet?: string },
): string {
  const page = `${dappUrl.replace(/\/+$/, "")}/content/${contentId}?ref=${referrerTokenId}`;
  return magnet ? `${page}#${magnet}` : page;
}

export type P2PSettings = { trackerUrl: string | null; iceServers: string[] };

let client: Promise<WebTorrent> | undefined;

function getClient(settings: P2PSettings): Promise<WebTorrent> {
  client ??= import("webtorrent/dist/webtorrent.min.js").then(({ default: WebTorrentClient }) => {
    const instance = new WebTorrentClient({
      // Browsers reach each other through the tracker only: no DHT, no local discovery, no uTP.
      dht: false,
      lsd: false,
      utp: false,
      tracker: { rtcConfig: { iceServers: settings.iceServers.map((urls) => ({ urls })) } },
    });
    instance.on("error", (error) => console.error("peer-to-peer:", error));
    return instance;
  });
  return client;
}

/**
 * Stops every transfer of this page and leaves the swarms: the WebTorrent client is destroyed, telling the tracker
 * and closing its connections, and the next share or fetch starts a new one.
 */
export async function closePeerToPeer(): Promise<void> {
  const closing = client;
  client = undefined;
  seeding = new WeakMap();
  const instance = await closing?.catch(() => undefined);
  await new Promise<void>((resolve) => (instance ? instance.destroy(() => resolve()) : resolve()));
}

export class P2PError extends SuperdistError<
  "TORRENT_ERROR" | "NOT_A_PACKAGE_LINK" | "NO_TRACKER" | "STALLED"
> {
  override name = "P2PError";
}

function whenReady(torrent: Torrent, settle: () => void, reject: (error: P2PError) => void): void {
  torrent.on("error", (error) => reject(new P2PError("TORRENT_ERROR", String(error))));
  settle();
}

let seeding = new WeakMap<Blob, Promise<Torrent>>();

/**
 * Seeds a copy from this browser for as long as the page is open (once per copy). Its pieces are cut as the
 * shared library cuts them, so that the publisher's copy seeded here is the torrent its metadata names.
 */
export function seed(copy: Blob, name: string, settings: P2PSettings): Promise<Torrent> {
  let pending = seeding.get(copy);
  if (!pending) {
    const { trackerUrl } = settings;
    if (!trackerUrl)
      return Promise.reject(new P2PError("NO_TRACKER", "Peer-to-peer sharing is not set up here."));
    pending = getClient(settings).then(
      (instance) =>
        new Promise<Torrent>((resolve, reject) => {
          const file = new File([copy], name, { type: "application/octet-stream" });
          instance.seed(
            file,
            { announce: [trackerUrl], name, pieceLength: choosePieceLength(copy.size) },
            (torrent) => whenReady(torrent, () => resolve(torrent), reject),
          );
        }),
    );
    pending.catch(() => seeding.delete(copy));
    seeding.set(copy, pending);
  }
  return pending;
}

/**
 * Piece requests WebTorrent keeps open to one web seed. Its default of 4 leaves a loopback web seed idle between
 * pieces (about 10 % of a plain download of 100 MiB); 16 keeps Chrome's six connections to a host busy.
 */
export const WEB_SEED_REQUESTS = 16;

/** WebTorrent found neither metadata nor bytes for this long: the HTTP path takes over. */
const STALL_MS = 8_000;

type Progress = (done: number, total: number | undefined) => void;

type CopyStore = {
  /** The stored pieces as files, in order, or undefined unless every piece is there. */
  copy(length: number): Promise<File[] | undefined>;
};
type CopyStoreClass = new (chunkLength: number, options: object) => CopyStore;

let copyStore: Promise<CopyStoreClass> | undefined;

/**
 * WebTorrent's own store in browsers, one origin-private file per piece, which also hands out the finished copy: a
 * File made of those files, so that nothing is read back and copied (WebTorrent's `blob()` reads every piece into
 * one buffer, which took as long as the download). Loaded with WebTorrent, as the module clears part of the
 * origin-private file system when it loads.
 */
function loadCopyStore(): Promise<CopyStoreClass> {
  copyStore ??= import("fsa-chunk-store").then(
    ({ default: FSAChunkStore }) =>
      class extends FSAChunkStore implements CopyStore {
        async copy(length: number): Promise<File[] | undefined> {
          const pieces = Math.ceil(length / this.chunkLength);
          const handles = Array.from({ length: pieces }, (_, index) => this.chunks[index]);
          if (handles.some((handle) => handle === undefined)) return undefined;
          const files = await Promise.all(
            handles.map((handle) => (handle as FileSystemFileHandle).getFile()),
          );
          return files.reduce((size, file) => size + file.size, 0) === length ? files : undefined;
        }
      },
  );
  return copyStore;
}

/** Through WebTorrent: browsers seeding the torrent and the magnet's web seeds, at once. */
async function fetchWithWebTorrent(
  magnet: string,
  settings: P2PSettings,
  onProgress: Progress,
  stallMs: number | undefined,
): Promise<File> {
  const [instance, Store] = await Promise.all([getClient(settings), loadCopyStore()]);
  const existing = await instance.get(magnet);
  const announce = settings.trackerUrl ? [settings.trackerUrl] : [];
  let store: CopyStore | undefined;
  const torrent =
    existing ??
    instance.add(magnet, {
      announce,
      maxWebConns: WEB_SEED_REQUESTS,
      // The File handed out reads these pieces' files: WebTorrent must never delete them (it does not unless told
      // to with `destroyStoreOnDestroy`), so they stay in the origin-private file system after the page closes.
      store: class extends Store {
        constructor(chunkLength: number, options: object) {
          super(chunkLength, options);
          store = this;
        }
      },
    });
  if (!torrent.done) {
    await new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watch = () => {
        if (stallMs === undefined) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (!existing) torrent.destroy();
          reject(new P2PError("STALLED", `nothing arrived for ${stallMs / 1000} s`));
        }, stallMs);
      };
      watch();
      torrent.on("metadata", watch);
      // A "download" event comes every 16 KiB block: the page hears of it ten times a second at most.
      let reported = 0;
      torrent.on("download", () => {
        watch();
        const now = performance.now();
        if (now - reported < 100) return;
        reported = now;
        onProgress(torrent.downloaded, torrent.length);
      });
      torrent.on("done", () => {
        clearTimeout(timer);
        resolve();
      });
      torrent.on("error", (error) => {
        clearTimeout(timer);
        reject(new P2PError("TORRENT_ERROR", String(error)));
      });
    });
  }
  const [file] = torrent.files;
  onProgress(file.length, file.length);
  // A torrent this page seeded or fetched before has no store of ours: read back from WebTorrent's.
  const parts = (await store?.copy(file.length)) ?? [await file.blob()];
  return new File(parts, file.name, { type: "application/octet-stream" });
}

export type FetchSharedOptions = {
  /**
   * How long WebTorrent may find nothing before plain HTTP takes over; 8 s. For a magnet without any HTTP source,
   * how long before giving up with `STALLED`; without it, such a fetch waits for a peer as long as the page lives.
   */
  stallMs?: number;
  /** Which path delivered the copy: WebTorrent (peers and web seeds), or the shared library over HTTP. */
  onSource?: (source: "webtorrent" | "http") => void;
};

function overHttp(magnet: Magnet): boolean {
  return magnet.webSeeds.length + magnet.torrentUrls.length + magnet.urls.length > 0;
}

/**
 * Fetches a shared copy: from the browsers seeding it and the magnet's web seeds through WebTorrent; and when
 * WebTorrent gets nowhere (no peer, no tracker, a web seed it cannot use), over plain HTTP with the shared
 * library, which checks the same info hash and piece hashes. A copy fetched that way is seeded from here too.
 */
export async function fetchShared(
  magnet: string,
  settings: P2PSettings,
  onProgress: Progress,
  options: FetchSharedOptions = {},
): Promise<File> {
  const parsed = parseMagnet(magnet);
  if (!overHttp(parsed)) {
    if (!settings.trackerUrl && parsed.trackers.length === 0) {
      throw new P2PError(
        "NO_TRACKER",
        "This link names no web seed, and peer-to-peer sharing is not set up here.",
      );
    }
    const file = await fetchWithWebTorrent(magnet, settings, onProgress, options.stallMs);
    options.onSource?.("webtorrent");
    return file;
  }
  try {
    const file = await fetchWithWebTorrent(magnet, settings, onProgress, options.stallMs ?? STALL_MS);
    options.onSource?.("webtorrent");
    return file;
  } catch (error) {
    if (!(error instanceof P2PError)) throw error;
  }
  options.onSource?.("http");
  const fetched = await fetchCopy({
    source: { kind: "magnet", magnet: parsed, uri: magnet },
    onStage: (stage) => {
      if (stage.status === "progress") onProgress(stage.done, stage.total);
    },
  });
  const file = new File([fetched.blob], fetched.name, { type: "application/octet-stream" });
  if (settings.trackerUrl) seed(file, fetched.name, settings).catch(() => {});
  return file;
}
