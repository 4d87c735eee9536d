/**
 * Sharing a copy peer to peer in a real Chromium, through a real WebSocket tracker on loopback; and fetching one
 * that only `superdist share`'s web seed has.
 */

import { magnetUri, parseMagnet } from "@superdist/sdk";
import { describe, expect, inject, test } from "vitest";
import { contentLinkFor, fetchShared, magnetFromShareLink, seed, shareLinkFor } from "../src/lib/p2p.ts";
import { randomBytes } from "./random.ts";

async function sha256(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("share links", () => {
  test("carry the magnet after '#', so that it never reaches a server, and give it back", () => {
    const magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=album.superdist";
    const link = shareLinkFor("https://shop.example", magnet);
    expect(link).toBe(`https://shop.example/open#${magnet}`);
    expect(new URL(link).hash.slice(1)).toBe(magnet);
    expect(magnetFromShareLink(link)).toBe(magnet);
    // A link pasted through something that percent-encoded the whole fragment still gives the magnet.
    expect(magnetFromShareLink(`https://shop.example/open#${encodeURIComponent(magnet)}`)).toBe(magnet);
    expect(magnetFromShareLink("https://shop.example/open")).toBeUndefined();
  });

  test("to a content page name the sharer's license as referrer, and the copy's magnet after '#' when there is one", () => {
    const magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=album.superdist";
    const link = contentLinkFor("https://shop.example/", { contentId: 4n, referrerTokenId: 17n, magnet });
    expect(link).toBe(`https://shop.example/content/4?ref=17#${magnet}`);
    expect(new URL(link).searchParams.get("ref")).toBe("17");
    expect(magnetFromShareLink(link)).toBe(magnet);
    expect(contentLinkFor("https://shop.example", { contentId: 4n, referrerTokenId: 17n })).toBe(
      "https://shop.example/content/4?ref=17",
    );
  });
});

describe("seeding", () => {
  const settings = { trackerUrl: inject("trackerUrl"), iceServers: [] };

  test("a copy is seeded once, and what is fetched by its magnet is the same bytes under the same name", async () => {
    const bytes = randomBytes(300_000);
    const copy = new Blob([bytes]);
    const torrent = await seed(copy, "album.license-3.superdist", settings);
    expect(torrent.magnetURI).toMatch(/^magnet:\?xt=urn:btih:[0-9a-f]{40}/);
    expect(torrent.magnetURI).toContain(encodeURIComponent(settings.trackerUrl));
    expect(await seed(copy, "album.license-3.superdist", settings)).toBe(torrent);

    const progress: [number, number | undefined][] = [];
    const file = await fetchShared(torrent.magnetURI, settings, (done, total) =>
      progress.push([done, total]),
    );
    expect(file.name).toBe("album.license-3.superdist");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    expect(progress.at(-1)).toEqual([bytes.length, bytes.length]);
  });
});

describe("web seeds", () => {
  // First, while WebTorrent holds nothing of this torrent: it would answer from what it holds.
  test("where WebTorrent finds nothing (only a plain URL, no .torrent), the shared library fetches over HTTP", async () => {
    const shared = inject("shared");
    const { infoHash } = parseMagnet(shared.magnet);
    const magnet = magnetUri({ infoHash, name: shared.name, urls: [shared.webSeed] });
    const sources: string[] = [];
    const progress: number[] = [];
    const file = await fetchShared(
      magnet,
      { trackerUrl: null, iceServers: [] },
      (done) => progress.push(done),
      {
        stallMs: 1000,
        onSource: (source) => sources.push(source),
      },
    );
    expect(sources).toEqual(["http"]);
    expect(file.name).toBe(shared.name);
    expect(await sha256(file)).toBe(shared.sha256);
    expect(progress.at(-1)).toBe(shared.size);
  });

  test("a copy only `superdist share` serves (no browser peer) arrives through WebTorrent byte-identical, with progress", async () => {
    const shared = inject("shared");
    const progress: [number, number | undefined][] = [];
    const sources: string[] = [];
    const file = await fetchShared(
      shared.magnet,
      { trackerUrl: null, iceServers: [] },
      (done, total) => progress.push([done, total]),
      { onSource: (source) => sources.push(source) },
    );
    expect(sources).toEqual(["webtorrent"]);
    expect(file.name).toBe(shared.name);
    expect(file.size).toBe(shared.size);
    expect(await sha256(file)).toBe(shared.sha256);
    // The bar moves from a first block to the whole file, never backwards; how many steps between depends on speed.
    expect(progress[0][0]).toBeLessThan(shared.size);
    expect(
      progress.every(([done, total], i) => total === shared.size && (i === 0 || done >= progress[i - 1][0])),
    ).toBe(true);
    expect(progress.at(-1)).toEqual([shared.size, shared.size]);
  });

  test("a link without web seed or tracker is refused in words", async () => {
    const magnet = magnetUri({ infoHash: "0".repeat(40), name: "x.superdist" });
    await expect(fetchShared(magnet, { trackerUrl: null, iceServers: [] }, () => {})).rejects.toMatchObject({
      code: "NO_TRACKER",
    });
  });
});
