import { DeliveryError } from "./errors.ts";

/** What a magnet URI says about a copy: which torrent, and where its metadata and bytes can be had. */
export type Magnet = {
  /** BitTorrent v1 info hash, 40 lowercase hex digits (`xt=urn:btih:`). */
  infoHash: string;
  /** `dn`: the file name the copy is offered under. */
  name?: string;
  /** `tr`: trackers, WebSocket ones for browsers. */
  trackers: string[];
  /** `ws`: web seeds (BEP 19), each the URL of the file itself. */
  webSeeds: string[];
  /** `xs`: URLs of the .torrent. */
  torrentUrls: string[];
  /** `as`: a plain download of the file, for clients without BitTorrent. */
  urls: string[];
};

export type MagnetParameters = Pick<Magnet, "infoHash" | "name"> & Partial<Omit<Magnet, "infoHash" | "name">>;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX_HASH = /^[0-9a-f]{40}$/;

/** `magnet:?xt=urn:btih:…&dn=…&tr=…&ws=…&xs=…&as=…`, every value percent-encoded. */
export function magnetUri(magnet: MagnetParameters): string {
  const infoHash = magnet.infoHash.toLowerCase();
  if (!HEX_HASH.test(infoHash)) throw new TypeError(`"${magnet.infoHash}" is not a v1 info hash`);
  const params: string[] = [`xt=urn:btih:${infoHash}`];
  const add = (key: string, values: readonly string[] | undefined) => {
    for (const value of new Set(values ?? [])) params.push(`${key}=${encodeURIComponent(value)}`);
  };
  if (magnet.name !== undefined) add("dn", [magnet.name]);
  add("tr", magnet.trackers);
  add("ws", magnet.webSeeds);
  add("xs", magnet.torrentUrls);
  add("as", magnet.urls);
  return `magnet:?${params.join("&")}`;
}

function refused(details: string): DeliveryError {
  return new DeliveryError("MAGNET_INVALID", "This magnet link names no BitTorrent v1 torrent.", { details });
}

function decode(value: string): string {
  try {
    // `+` for a space is the form encoding some clients use in `dn`; a literal plus is always `%2B`.
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/** Reads a magnet URI; only its BitTorrent v1 info hash is required. Unknown parameters are ignored. */
export function parseMagnet(uri: string): Magnet {
  const text = uri.trim();
  if (!/^magnet:\?/i.test(text)) throw refused("it does not start with magnet:?");
  const magnet: Magnet = { infoHash: "", trackers: [], webSeeds: [], torrentUrls: [], urls: [] };
  const lists = {
    tr: magnet.trackers,
    ws: magnet.webSeeds,
    xs: magnet.torrentUrls,
    as: magnet.urls,
  } as const;
  for (const param of text.slice("magnet:?".length).split("&")) {
    const at = param.indexOf("=");
    if (at <= 0) continue;
    const key = param.slice(0, at).toLowerCase();
    const value = decode(param.slice(at + 1));
    if (key === "xt") {
      const match = /^urn:btih:([0-9a-z]+)$/i.exec(value);
      if (!match || magnet.infoHash !== "") continue;
      magnet.infoHash = btihToHex(match[1] as string);
    } else if (key === "dn") magnet.name ??= value;
    else if (Object.hasOwn(lists, key)) {
      const list = lists[key as keyof typeof lists];
      // `xs` may also hold a URN (BEP 46 keys, hashes); only URLs are sources.
      if (!list.includes(value) && (key === "tr" || /^https?:\/\//i.test(value))) list.push(value);
    }
  }
  if (magnet.infoHash === "")
    throw refused("no xt=urn:btih: parameter with a 40-digit hex or 32-letter base32 hash");
  return magnet;
}

function btihToHex(hash: string): string {
  if (/^[0-9a-f]{40}$/i.test(hash)) return hash.toLowerCase();
  if (/^[a-z2-7]{32}$/i.test(hash)) {
    // RFC 4648 base32: 32 letters of 5 bits are the 160 bits of the hash, 40 hex digits of 4 bits.
    const bits = Array.from(hash.toUpperCase(), (c) => BASE32.indexOf(c).toString(2).padStart(5, "0")).join(
      "",
    );
    return Array.from({ length: 40 }, (_, i) =>
      Number.parseInt(bits.slice(i * 4, i * 4 + 4), 2).toString(16),
    ).join("");
  }
  throw refused(`"${hash.slice(0, 50)}" is neither 40 hex digits nor 32 base32 letters`);
}

/** A web seed given as a folder (ending in `/`) names the file inside it, as BEP 19 says for single files. */
export function webSeedUrl(seed: string, fileName: string): string {
  return seed.endsWith("/") ? `${seed}${encodeURIComponent(fileName)}` : seed;
}

/** The dApp's page that opens a copy: the magnet rides after `#`, so that it never reaches a server. */
export function shareLinkFor(dappUrl: string, magnet: string): string {
  return `${dappUrl.replace(/\/+$/, "")}/open#${magnet}`;
}

/** The magnet a share link (or any text) carries, as it was written: values stay percent-encoded. */
export function magnetFromShareLink(link: string): string | undefined {
  const at = link.search(/magnet(:|%3A)(\?|%3F)/i);
  if (at < 0) return undefined;
  const magnet = link.slice(at);
  // A link pasted through something that encoded the whole fragment: one level of encoding comes off.
  return /^magnet:\?/i.test(magnet) && magnet.includes("=") ? magnet : decode(magnet);
}

/** Where a copy is fetched from: a magnet (or a share link, which holds one) or a plain HTTP(S) URL. */
export type CopySource = { kind: "magnet"; magnet: Magnet; uri: string } | { kind: "url"; url: string };

export function parseCopySource(text: string): CopySource {
  const given = text.trim();
  const magnet = magnetFromShareLink(given);
  if (magnet !== undefined) return { kind: "magnet", magnet: parseMagnet(magnet), uri: magnet };
  if (/^https?:\/\//i.test(given)) {
    try {
      return { kind: "url", url: new URL(given).href };
    } catch {
      // Falls through to the refusal below.
    }
  }
  throw new DeliveryError(
    "SOURCE_INVALID",
    "Give a share link, a magnet link or an HTTP(S) URL of a package.",
    {
      details: `"${given.slice(0, 80)}" is none of them`,
    },
  );
}
