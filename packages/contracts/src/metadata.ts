/**
 * Off-chain content metadata, carried on chain as a `data:` URI so that the catalog needs no other host. The
 * fields follow the ERC-721 metadata names (`name`, `description`, `image`) plus what opening a copy needs.
 */
export type ContentMetadata = {
  name?: string;
  description?: string;
  /** A small cover image as a data URI. */
  image?: string;
  /** The media type of the content inside the package, for previews. */
  mediaType?: string;
  fileName?: string;
  size?: number;
  /**
   * Where copies can be fetched: a magnet of the publisher's package (its info hash, trackers, web seeds, and the
   * .torrent's URL), so that a buyer never needs a copy in hand. Any copy will do: it is re-keyed after buying.
   */
  magnet?: string;
  /** A plain HTTP(S) URL of the publisher's package, for clients without BitTorrent. */
  url?: string;
};

const DATA_JSON = /^data:application\/json(;charset=utf-8)?(;base64)?,/i;

function toBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(base64: string): string {
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

export function encodeMetadata(metadata: ContentMetadata): string {
  return `data:application/json;base64,${toBase64(JSON.stringify(metadata))}`;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Reads what it can; anything but an inline JSON document (a remote URL) is ignored, as the app fetches nothing. */
export function decodeMetadata(uri: string): ContentMetadata {
  const match = DATA_JSON.exec(uri);
  if (!match) return {};
  try {
    const body = uri.slice(match[0].length);
    const json: unknown = JSON.parse(match[2] ? fromBase64(body) : decodeURIComponent(body));
    if (typeof json !== "object" || json === null) return {};
    const record = json as Record<string, unknown>;
    const image = text(record.image);
    return {
      name: text(record.name),
      description: text(record.description),
      // Only inline images: a remote URL would tell another host who browses the catalog.
      image: image?.startsWith("data:image/") ? image : undefined,
      mediaType: text(record.mediaType),
      fileName: text(record.fileName),
      size: typeof record.size === "number" ? record.size : undefined,
      // Not fetched while browsing the catalog, only when a copy is asked for; still, only these two schemes.
      magnet: text(record.magnet)?.startsWith("magnet:?") ? text(record.magnet) : undefined,
      url: /^https?:\/\//i.test(text(record.url) ?? "") ? text(record.url) : undefined,
    };
  } catch {
    return {};
  }
}

/**
 * `uri` with `fields` set, every other field kept as it was (including ones this version does not know): how the
 * SDK adds where copies are to the metadata a publisher wrote. Only an inline JSON document can be amended.
 */
export function amendMetadata(uri: string, fields: Partial<ContentMetadata>): string {
  const match = DATA_JSON.exec(uri);
  let record: Record<string, unknown> = {};
  if (match) {
    const body = uri.slice(match[0].length);
    const json: unknown = JSON.parse(match[2] ? fromBase64(body) : decodeURIComponent(body));
    if (typeof json === "object" && json !== null && !Array.isArray(json))
      record = json as Record<string, unknown>;
  } else if (uri.trim() !== "") {
    throw new TypeError("only inline (data:application/json) metadata can be amended");
  }
  return encodeMetadata({ ...record, ...fields } as ContentMetadata);
}
