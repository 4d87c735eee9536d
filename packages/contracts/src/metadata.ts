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
    };
  } catch {
    return {};
  }
}
