"use client";

import { copyFileName } from "@superdist/package";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useConnection } from "wagmi";
import { BuyPanel } from "../components/BuyPanel.tsx";
import { CheckFailedPanel } from "../components/CheckFailedPanel.tsx";
import { Cover, priceText } from "../components/ContentCard.tsx";
import { DropZone } from "../components/DropZone.tsx";
import { RequireMarket } from "../components/Gates.tsx";
import { LineageFacts } from "../components/LineageFacts.tsx";
import { OpenedPanel } from "../components/OpenedPanel.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { RekeyPrompt } from "../components/RekeyPrompt.tsx";
import { ShareCopy } from "../components/ShareCopy.tsx";
import { SharedLinkForm } from "../components/SharedLinkForm.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { VerifierStatus } from "../components/VerifierStatus.tsx";
import { useHolder } from "../hooks/useHolder.ts";
import { useMyLicenses } from "../hooks/useLicenses.ts";
import { useOpenCopy } from "../hooks/useOpenCopy.ts";
import { magnetFromShareLink } from "../lib/p2p.ts";
import { describeError } from "../lib/txErrors.ts";

export function OpenView() {
  return (
    <>
      <div className="page-head">
        <h1>Open a file</h1>
        <p>Drop a superdist package to read it, or to buy your own license through it.</p>
      </div>
      <RequireMarket>
        <Opener />
      </RequireMarket>
    </>
  );
}

function Opener() {
  const connection = useConnection();
  const opener = useOpenCopy();
  const { copy, phase, entry, rekey } = opener;
  const [bought, setBought] = useState<bigint>();
  const holder = useHolder(copy?.header, entry.data);
  const licenses = useMyLicenses();

  const contentId = copy?.header.lineage.contentId;
  // The copy's own license first: then it is this account's copy from another device.
  const ownLicense =
    licenses.data?.find(
      (license) => license.contentId === contentId && license.tokenId === copy?.header.lineage.holderTokenId,
    ) ?? licenses.data?.find((license) => license.contentId === contentId);
  const title = entry.data?.content.title || `Content #${contentId}`;
  const mediaType = entry.data?.metadata.mediaType || "application/octet-stream";

  const open = (file: File) => {
    setBought(undefined);
    void opener.open(file);
  };

  // A share link carries the magnet after "#": open it as soon as the page loads, once.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const magnet = magnetFromShareLink(window.location.hash);
    if (magnet) void opener.fetchAndOpen(magnet);
  });

  return (
    <div className="opener">
      <DropZone onFile={open} />
      {opener.p2p ? (
        <SharedLinkForm
          busy={phase.step === "fetching"}
          onMagnet={(magnet) => void opener.fetchAndOpen(magnet)}
          onInvalid={() =>
            opener.setPhase({ step: "error", message: "That is not a peer-to-peer share link." })
          }
        />
      ) : null}
      {phase.step === "fetching" ? (
        <ProgressBar label="Fetching from peers" done={phase.done} total={phase.total} />
      ) : null}
      {phase.step === "reading" ? <p role="status">Reading the package header…</p> : null}
      {phase.step === "error" ? (
        <p className="notice danger" role="alert" data-testid="open-error">
          {phase.message}
        </p>
      ) : null}

      {copy ? (
        <div className="two-columns open-result">
          <div>
            {phase.step === "locked" ? (
              <CheckFailedPanel
                header={copy.header}
                holder={holder.data}
                ownedTokenId={connection.address ? ownLicense?.tokenId : undefined}
              />
            ) : null}
            {phase.step === "decrypting" ? (
              <ProgressBar label="Decrypting" done={phase.done} total={phase.total} />
            ) : null}
            {phase.step === "opened" ? (
              <OpenedPanel
                title={title}
                plaintext={phase.plaintext}
                mediaType={mediaType}
                fileName={entry.data?.metadata.fileName}
                copyName={copy.name}
                mine={opener.mine}
              />
            ) : null}
            {phase.step === "opened" && opener.mine && contentId !== undefined ? (
              <ShareCopy
                contentId={contentId}
                tokenId={opener.mine.tokenId}
                title={title}
                copy={{
                  blob: opener.mine.blob,
                  name: copyFileName(entry.data?.metadata.fileName ?? copy.name, opener.mine.tokenId),
                }}
                publisherMagnet={entry.data?.metadata.magnet}
              />
            ) : null}
            <LineageFacts header={copy.header} />
          </div>
          <div>
            {entry.data ? (
              <div className="panel content-summary">
                <Cover entry={entry.data} />
                <h2>
                  <Link href={`/content/${entry.data.contentId}`}>{title}</Link>
                </h2>
                <p className="price">{priceText(entry.data)}</p>
              </div>
            ) : entry.isError ? (
              <p className="notice danger">{describeError(entry.error).message}</p>
            ) : null}
            {phase.step === "locked" && entry.data ? (
              bought !== undefined ? (
                <RekeyPrompt
                  heading={`License #${bought} is yours`}
                  explanation="Sign once more to unlock this copy in this browser."
                  busy={rekey.busy}
                  onRekey={() => void opener.rekeyAndOpen(bought)}
                />
              ) : ownLicense && connection.address ? (
                <RekeyPrompt
                  heading={
                    ownLicense.tokenId === copy.header.lineage.holderTokenId
                      ? `Your license #${ownLicense.tokenId}`
                      : `You already own license #${ownLicense.tokenId}`
                  }
                  busy={rekey.busy}
                  onRekey={() => void opener.rekeyAndOpen(ownLicense.tokenId)}
                />
              ) : (
                <BuyPanel
                  entry={entry.data}
                  referrerTokenId={copy.header.lineage.holderTokenId}
                  onPurchased={(tokenId) => {
                    setBought(tokenId);
                    void opener.rekeyAndOpen(tokenId);
                  }}
                />
              )
            ) : null}
            <TxStatus state={rekey.signature} label="Unlock signature" />
            <VerifierStatus state={rekey.verifier} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
