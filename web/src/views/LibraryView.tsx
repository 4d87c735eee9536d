"use client";

import type { OwnedLicense } from "@superdist/contracts";
import { copyFileName } from "@superdist/package";
import Link from "next/link";
import { useConnection } from "wagmi";
import { Cover } from "../components/ContentCard.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { PublicationsSection } from "../components/PublicationsSection.tsx";
import { ShareCopy } from "../components/ShareCopy.tsx";
import { TransferLicense } from "../components/TransferLicense.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { VerifierStatus } from "../components/VerifierStatus.tsx";
import { useMyLicenses } from "../hooks/useLicenses.ts";
import { type CatalogEntry, useCatalog } from "../hooks/useMarket.ts";
import { useStoredCopies } from "../hooks/useStoredCopies.ts";
import { useUnlock } from "../hooks/useUnlock.ts";
import { type StoredCopy, saveBlob } from "../lib/copies.ts";
import { describeError } from "../lib/txErrors.ts";

function LicenseItem({
  license,
  entry,
  copies,
}: {
  license: OwnedLicense;
  entry: CatalogEntry | undefined;
  copies: StoredCopy[];
}) {
  const unlocker = useUnlock();
  const { address: owner } = useConnection();
  const contentId = license.contentId.toString();
  const tokenId = license.tokenId.toString();
  const ofContent = copies.filter((copy) => copy.contentId === contentId);
  const mine = ofContent.find((copy) => copy.holderTokenId === tokenId && copy.keyedHere);
  const source = ofContent[0];
  const title = entry?.content.title || `Content #${contentId}`;
  const fileName = copyFileName(entry?.metadata.fileName ?? source?.fileName ?? title, license.tokenId);
  const unlock = () => unlocker.unlock(license.contentId, license.tokenId, entry, ofContent);

  return (
    <article className="card license" data-testid="license" data-token-id={tokenId}>
      {entry ? <Cover entry={entry} /> : null}
      <div className="card-body">
        <h2 className="card-title">
          <Link href={`/content/${contentId}`}>{title}</Link>
        </h2>
        <p className="meta">
          License #{tokenId}
          {license.parent !== 0n ? ` · bought through #${license.parent}` : " · bought without a referrer"}
        </p>
        {mine ? (
          <p className="meta" data-testid="copy-status">
            Your copy is in this browser.
          </p>
        ) : source ? (
          <p className="meta" data-testid="copy-status">
            Paid — unlock. This browser has a copy of license #{source.holderTokenId}; unlocking makes it
            yours.
          </p>
        ) : (
          <p className="meta" data-testid="copy-status">
            Paid — unlock. No copy in this browser. Unlocking fetches one where the publisher seeds it; or{" "}
            <Link href="/open">open</Link> any copy you are given.
          </p>
        )}
        <div className="actions">
          {mine ? (
            <button
              type="button"
              className="button primary small"
              onClick={() => saveBlob(mine.blob, fileName)}
            >
              Download my copy
            </button>
          ) : null}
          {!mine ? (
            <button type="button" className="button primary small" disabled={unlocker.busy} onClick={unlock}>
              {source ? "Make this copy mine" : "Unlock"}
            </button>
          ) : null}
        </div>
        {unlocker.fetching ? (
          <ProgressBar
            label="Fetching a copy"
            done={unlocker.fetching.done}
            total={unlocker.fetching.total}
          />
        ) : null}
        <TxStatus state={unlocker.rekey.signature} label="Unlock signature" />
        <VerifierStatus state={unlocker.rekey.verifier} />
        {unlocker.error ? (
          <p className="notice danger" role="alert">
            {unlocker.error}
          </p>
        ) : null}
        <ShareCopy
          contentId={license.contentId}
          tokenId={license.tokenId}
          title={title}
          copy={mine ? { blob: mine.blob, name: fileName } : undefined}
          publisherMagnet={entry?.metadata.magnet}
        />
        {entry?.content.transferable && owner ? (
          <TransferLicense owner={owner} tokenId={license.tokenId} />
        ) : null}
      </div>
    </article>
  );
}

function Library() {
  const { address } = useConnection();
  return (
    <>
      {address ? <PublicationsSection account={address} /> : null}
      <Licenses />
    </>
  );
}

function Licenses() {
  const licenses = useMyLicenses();
  const catalog = useCatalog();
  const copies = useStoredCopies();
  if (licenses.isPending || catalog.isPending) return <LoadingCards label="Loading your licenses" />;
  if (licenses.isError) {
    return (
      <EmptyState title="Your licenses could not be read">
        <p>{describeError(licenses.error).message}</p>
      </EmptyState>
    );
  }
  if (licenses.data.length === 0) {
    return (
      <EmptyState title="No licenses yet">
        <p>
          Licenses you buy appear here. <Link href="/">Browse the catalog</Link>.
        </p>
      </EmptyState>
    );
  }
  const entries = new Map((catalog.data ?? []).map((entry) => [entry.contentId, entry]));
  return (
    <div className="card-grid" data-testid="library">
      {licenses.data.map((license) => (
        <LicenseItem
          key={license.tokenId.toString()}
          license={license}
          entry={entries.get(license.contentId)}
          copies={copies.data ?? []}
        />
      ))}
    </div>
  );
}

export function LibraryView() {
  return (
    <>
      <div className="page-head">
        <h1>Library</h1>
        <p>Your licenses, your copies.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect the wallet that holds your licenses to see them here.">
          <Library />
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
