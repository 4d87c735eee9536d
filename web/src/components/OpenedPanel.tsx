"use client";

import { copyFileName, plaintextFileName } from "@superdist/package";
import { saveBlob } from "../lib/copies.ts";
import { formatSize } from "../lib/format.ts";
import { Preview } from "./Preview.tsx";

/** A decrypted copy: its preview, the file to save, and the copy keyed to this account to pass on. */
export function OpenedPanel({
  title,
  plaintext,
  mediaType,
  fileName,
  copyName,
  mine,
}: {
  title: string;
  plaintext: Blob;
  mediaType: string;
  /** The publisher's name for the file, when known. */
  fileName: string | undefined;
  copyName: string;
  mine: { blob: Blob; tokenId: bigint } | undefined;
}) {
  return (
    <section className="panel" data-testid="opened" aria-labelledby="opened-heading">
      <h2 id="opened-heading">{title}</h2>
      <Preview blob={plaintext} mediaType={mediaType} title={title} />
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() =>
            saveBlob(new Blob([plaintext], { type: mediaType }), plaintextFileName(fileName, copyName))
          }
        >
          Save the file ({formatSize(plaintext.size)})
        </button>
        {mine ? (
          <button
            type="button"
            className="button"
            onClick={() => saveBlob(mine.blob, copyFileName(fileName ?? copyName, mine.tokenId))}
          >
            Save your copy (license #{mine.tokenId.toString()})
          </button>
        ) : null}
      </div>
      {mine ? (
        <p className="muted">
          Your copy is keyed to you: pass it on freely, and anyone who buys through it pays you.
        </p>
      ) : null}
    </section>
  );
}
