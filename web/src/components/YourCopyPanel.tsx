"use client";

import { useEffect, useRef, useState } from "react";
import type { ContentEntry } from "../hooks/useMarket.ts";
import { useStoredCopies } from "../hooks/useStoredCopies.ts";
import { useUnlock } from "../hooks/useUnlock.ts";
import { saveBlob } from "../lib/copies.ts";
import { browserIdentity } from "../lib/identity.ts";
import { decryptInWorker } from "../lib/packageWorker.ts";
import { describeError } from "../lib/txErrors.ts";
import { OpenedPanel } from "./OpenedPanel.tsx";
import { ProgressBar } from "./ProgressBar.tsx";
import { ShareCopy } from "./ShareCopy.tsx";
import { TxStatus } from "./TxStatus.tsx";
import { VerifierStatus } from "./VerifierStatus.tsx";

/**
 * A license this account holds, on its content's page: never a second sale, but the copy it pays for. A copy
 * keyed here opens; otherwise one is found or fetched and re-keyed with one signature (at once after a purchase),
 * from the copy of whoever shared the link first (`sharedMagnet`), else from the publisher's.
 */
export function YourCopyPanel({
  entry,
  tokenId,
  justBought,
  sharedMagnet,
}: {
  entry: ContentEntry;
  tokenId: bigint;
  justBought: boolean;
  sharedMagnet?: string;
}) {
  const copies = useStoredCopies();
  const unlocker = useUnlock(sharedMagnet);
  const { unlock } = unlocker;
  const [opened, setOpened] = useState<Blob>();
  const [decrypting, setDecrypting] = useState<{ done: number; total: number | undefined }>();
  const [error, setError] = useState<string>();
  const title = entry.content.title || `Content #${entry.contentId}`;
  const mine = copies.data?.find(
    (copy) =>
      copy.contentId === entry.contentId.toString() &&
      copy.holderTokenId === tokenId.toString() &&
      copy.keyedHere,
  );

  // Right after paying, the copy is what the buyer is waiting for: get it without another click.
  const started = useRef(false);
  useEffect(() => {
    if (!justBought || started.current || !copies.data || mine) return;
    started.current = true;
    void unlock(entry.contentId, tokenId, entry, copies.data);
  }, [justBought, copies.data, mine, unlock, entry, tokenId]);

  async function open(blob: Blob) {
    setError(undefined);
    try {
      const identity = await browserIdentity();
      setDecrypting({ done: 0, total: undefined });
      setOpened(await decryptInWorker(blob, [identity.key], (done, total) => setDecrypting({ done, total })));
    } catch (caught) {
      setError(describeError(caught).message);
    } finally {
      setDecrypting(undefined);
    }
  }

  return (
    <section className="panel" data-testid="your-copy" aria-labelledby="your-copy-heading">
      <h2 id="your-copy-heading">{justBought ? "Your copy" : `You own license #${tokenId}`}</h2>
      {mine ? (
        <>
          <p data-testid="copy-status">Your copy is in this browser, keyed to you.</p>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              onClick={() => open(mine.blob)}
              disabled={!!decrypting}
            >
              Open it
            </button>
            <button type="button" className="button" onClick={() => saveBlob(mine.blob, mine.fileName)}>
              Save your copy
            </button>
          </div>
        </>
      ) : (
        <>
          <p data-testid="copy-status">
            Paid — unlock your copy here with one signature. Buying again is never needed.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              disabled={unlocker.busy || copies.isPending}
              onClick={() => unlock(entry.contentId, tokenId, entry, copies.data ?? [])}
            >
              Unlock your copy
            </button>
          </div>
        </>
      )}
      <ShareCopy
        contentId={entry.contentId}
        tokenId={tokenId}
        title={title}
        copy={mine ? { blob: mine.blob, name: mine.fileName } : undefined}
        publisherMagnet={entry.metadata.magnet}
      />
      {unlocker.fetching ? (
        <ProgressBar label="Fetching a copy" done={unlocker.fetching.done} total={unlocker.fetching.total} />
      ) : null}
      {decrypting ? <ProgressBar label="Decrypting" done={decrypting.done} total={decrypting.total} /> : null}
      <TxStatus state={unlocker.rekey.signature} label="Unlock signature" />
      <VerifierStatus state={unlocker.rekey.verifier} />
      {unlocker.error || error ? (
        <p className="notice danger" role="alert">
          {unlocker.error ?? error}
        </p>
      ) : null}
      {opened && mine ? (
        <OpenedPanel
          title={title}
          plaintext={opened}
          mediaType={entry.metadata.mediaType || "application/octet-stream"}
          fileName={entry.metadata.fileName}
          copyName={mine.fileName}
          mine={{ blob: mine.blob, tokenId }}
        />
      ) : null}
    </section>
  );
}
