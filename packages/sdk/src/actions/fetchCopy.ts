import type { PackageHeader } from "@superdist/package";
import { type DownloadOptions, downloadCopy } from "../delivery/download.ts";
import { type CopySource, parseCopySource } from "../delivery/magnet.ts";
import type { Torrent } from "../delivery/torrent.ts";
import type { OnStage } from "../stages.ts";

export type FetchCopyParameters = {
  /** A share link (`…/open#magnet:?…`), a magnet, or an HTTP(S) URL of a package. */
  source: string | CopySource;
  /** The fetch to use; the environment's own by default. */
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  /** A source that sends nothing for this long is dropped; 30 s by default. */
  idleTimeoutMs?: number;
  onStage?: OnStage;
};

export type FetchCopyReturnType = {
  /** The package, every piece of it checked against the torrent the magnet names. */
  blob: Blob;
  /** The name it is offered under: the torrent's, or the URL's last segment. */
  name: string;
  size: number;
  header: PackageHeader;
  /** The torrent, when fetched through a magnet. */
  torrent?: Torrent;
  /** The URL the bytes came from. */
  from: string;
};

const BLOB_BATCH = 16 * 1024 * 1024;

export function downloadOptions(parameters: Omit<FetchCopyParameters, "source">): DownloadOptions {
  const { onStage } = parameters;
  return {
    fetch: parameters.fetch,
    signal: parameters.signal,
    idleTimeoutMs: parameters.idleTimeoutMs,
    onProgress: (done, total) => onStage?.({ operation: "fetch", status: "progress", done, total }),
  };
}

/**
 * Fetches a copy over HTTP, in Node and in browsers: through a magnet, the .torrent (from `xs`, or a web seed's
 * URL with ".torrent") must have the magnet's info hash and every piece from the web seeds its SHA-1; a plain
 * URL has no hashes to check. Either way, what arrives must be a package with a lineage. Needs no chain: a copy
 * may be fetched before anything is known of its content.
 */
export async function fetchCopy(parameters: FetchCopyParameters): Promise<FetchCopyReturnType> {
  const source =
    typeof parameters.source === "string" ? parseCopySource(parameters.source) : parameters.source;
  parameters.onStage?.({ operation: "fetch", status: "asking" });
  // What arrives goes into Blobs of about 16 MiB, so that a browser may move a large copy out of the page's memory
  // as it grows. A Blob per 1 MiB piece cost Chromium four times as long as one per 16 MiB.
  const parts: Blob[] = [];
  let batch: Uint8Array<ArrayBuffer>[] = [];
  let batched = 0;
  const flush = () => {
    if (batch.length > 0) parts.push(new Blob(batch));
    batch = [];
    batched = 0;
  };
  const fetched = await downloadCopy(
    source,
    {
      write: (bytes) => {
        batch.push(bytes as Uint8Array<ArrayBuffer>);
        batched += bytes.length;
        if (batched >= BLOB_BATCH) flush();
      },
    },
    downloadOptions(parameters),
  );
  flush();
  parameters.onStage?.({ operation: "fetch", status: "done" });
  return { ...fetched, blob: new Blob(parts, { type: "application/octet-stream" }) };
}
