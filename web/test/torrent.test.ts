/**
 * The shared library's torrents against WebTorrent's own, in a real Chromium: the same bytes, name and piece length
 * give the same info hash, so a copy the publisher's metadata names is the swarm browsers seed; and each side reads
 * the other's .torrent.
 */
import { choosePieceLength, createTorrent, parseTorrent } from "@superdist/sdk";
import { afterAll, describe, expect, inject, test } from "vitest";
import type { Torrent as WebTorrentTorrent } from "webtorrent/dist/webtorrent.min.js";
import { randomBytes } from "./random.ts";

const KiB = 1024;

const client = import("webtorrent/dist/webtorrent.min.js").then(
  ({ default: WebTorrent }) =>
    new WebTorrent({ dht: false, lsd: false, utp: false, tracker: { rtcConfig: { iceServers: [] } } }),
);

afterAll(async () => (await client).destroy());

function seedInWebTorrent(bytes: Uint8Array<ArrayBuffer>, name: string, pieceLength: number) {
  return client.then(
    (instance) =>
      new Promise<WebTorrentTorrent & { torrentFile: Uint8Array }>((resolve) => {
        instance.seed(
          new File([bytes], name),
          { name, pieceLength, announce: [inject("trackerUrl")] } as never,
          (torrent) => resolve(torrent as WebTorrentTorrent & { torrentFile: Uint8Array }),
        );
      }),
  );
}

describe("torrents in the browser", () => {
  const cases = [
    { label: "one byte", size: 1, pieceLength: 1024 * KiB },
    { label: "exactly one piece", size: 1024 * KiB, pieceLength: 1024 * KiB },
    { label: "one piece and a byte", size: 1024 * KiB + 1, pieceLength: 1024 * KiB },
    { label: "several pieces of 16 KiB", size: 100 * KiB + 5, pieceLength: 16 * KiB },
    {
      label: "3 MiB at the chosen piece length",
      size: 3 * 1024 * KiB + 77,
      pieceLength: choosePieceLength(3 << 20),
    },
  ];

  for (const { label, size, pieceLength } of cases) {
    test(`the info hash is WebTorrent's for ${label}`, async () => {
      const bytes = randomBytes(size);
      const name = `copy-${size}.superdist`;
      const ours = await createTorrent(new Blob([bytes]), { name, pieceLength });
      const theirs = await seedInWebTorrent(bytes, name, pieceLength);
      expect(ours.infoHash).toBe(theirs.infoHash);
      // Each reads the other's .torrent to the same info hash (WebTorrent refuses a torrent it already has).
      expect(parseTorrent(new Uint8Array(theirs.torrentFile)).infoHash).toBe(theirs.infoHash);
      await new Promise((resolve) =>
        (theirs.destroy as (callback: () => void) => void)(() => resolve(undefined)),
      );
      const added = (await client).add(ours.torrentFile as never, { announce: [] });
      await new Promise<void>((resolve) => {
        const check = () => (added.infoHash ? resolve() : setTimeout(check, 10));
        check();
      });
      expect(added.infoHash).toBe(ours.infoHash);
      added.destroy();
    });
  }
});
