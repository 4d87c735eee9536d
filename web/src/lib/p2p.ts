import { SuperdistError } from "@superdist/errors";
import type WebTorrent from "webtorrent/dist/webtorrent.min.js";
import type { Torrent } from "webtorrent/dist/webtorrent.min.js";

/** Peer-to-peer sharing of packages between browsers over WebRTC, found through a WebSocket tracker. */

export type P2PSettings = { trackerUrl: string; iceServers: string[] };

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

export class P2PError extends SuperdistError<"TORRENT_ERROR" | "NOT_A_PACKAGE_LINK"> {
  override name = "P2PError";
}

/** The magnet link a share link carries after `#`, so that it never reaches a server. */
export function magnetFromShareLink(link: string): string | undefined {
  const at = link.indexOf("magnet:?");
  return at >= 0 ? decodeURIComponent(link.slice(at)) : undefined;
}

export function shareLinkFor(origin: string, magnet: string): string {
  return `${origin}/open#${magnet}`;
}

function whenReady(torrent: Torrent, settle: () => void, reject: (error: P2PError) => void): void {
  torrent.on("error", (error) => reject(new P2PError("TORRENT_ERROR", String(error))));
  settle();
}

const seeding = new WeakMap<Blob, Promise<Torrent>>();

/** Seeds a copy from this browser for as long as the page is open (once per copy). */
export function seed(copy: Blob, name: string, settings: P2PSettings): Promise<Torrent> {
  let pending = seeding.get(copy);
  if (!pending) {
    pending = getClient(settings).then(
      (instance) =>
        new Promise<Torrent>((resolve, reject) => {
          const file = new File([copy], name, { type: "application/octet-stream" });
          instance.seed(file, { announce: [settings.trackerUrl], name }, (torrent) =>
            whenReady(torrent, () => resolve(torrent), reject),
          );
        }),
    );
    pending.catch(() => seeding.delete(copy));
    seeding.set(copy, pending);
  }
  return pending;
}

/** Fetches a shared copy from the browsers seeding it. */
export async function fetchShared(
  magnet: string,
  settings: P2PSettings,
  onProgress: (done: number, total: number | undefined) => void,
): Promise<File> {
  const instance = await getClient(settings);
  const existing = await instance.get(magnet);
  const torrent =
    existing ??
    (await new Promise<Torrent>((resolve) => {
      instance.add(magnet, { announce: [settings.trackerUrl] }, resolve);
    }));
  if (!torrent.done) {
    await new Promise<void>((resolve, reject) => {
      torrent.on("download", () => onProgress(torrent.downloaded, torrent.length));
      torrent.on("done", () => resolve());
      torrent.on("error", (error) => reject(new P2PError("TORRENT_ERROR", String(error))));
    });
  }
  const [file] = torrent.files;
  onProgress(file.length, file.length);
  return new File([await file.blob()], file.name);
}
