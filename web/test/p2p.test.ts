/** Sharing a copy peer to peer in a real Chromium, through a real WebSocket tracker on loopback. */
import { describe, expect, inject, test } from "vitest";
import { fetchShared, magnetFromShareLink, seed, shareLinkFor } from "../src/lib/p2p.ts";
import { randomBytes } from "./random.ts";

describe("share links", () => {
  test("carry the magnet after '#', so that it never reaches a server, and give it back", () => {
    const magnet = "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn=album.superdist";
    const link = shareLinkFor("https://shop.example", magnet);
    expect(link).toBe(`https://shop.example/open#${magnet}`);
    expect(new URL(link).hash.slice(1)).toBe(magnet);
    expect(magnetFromShareLink(link)).toBe(magnet);
    // Browsers may percent-encode what follows the magnet's scheme when a link is pasted.
    expect(magnetFromShareLink(`https://shop.example/open#magnet:?xt=urn%3Abtih%3A0123`)).toBe(
      "magnet:?xt=urn:btih:0123",
    );
    expect(magnetFromShareLink("https://shop.example/open")).toBeUndefined();
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
