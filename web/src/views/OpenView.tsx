"use client";

import { getLineage } from "@superdist/contracts";
import {
  copyFileName,
  type PackageHeader,
  plaintextFileName,
  readHeaderFromBlob,
  unwrapFileKey,
} from "@superdist/package";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { type DragEvent, type FormEvent, useEffect, useId, useRef, useState } from "react";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { BuyPanel } from "../components/BuyPanel.tsx";
import { Cover, priceText } from "../components/ContentCard.tsx";
import { RequireMarket } from "../components/Gates.tsx";
import { Preview } from "../components/Preview.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { TxStatus } from "../components/TxStatus.tsx";
import { VerifierStatus } from "../components/VerifierStatus.tsx";
import { useMyLicenses } from "../hooks/useLicenses.ts";
import { type CatalogEntry, useCatalogEntry, useMarket } from "../hooks/useMarket.ts";
import { useRekey } from "../hooks/useRekey.ts";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { saveBlob, storeCopy } from "../lib/copies.ts";
import { formatSize, shortAddress } from "../lib/format.ts";
import { browserIdentity } from "../lib/identity.ts";
import { fetchShared, magnetFromShareLink } from "../lib/p2p.ts";
import { decryptInWorker } from "../lib/packageWorker.ts";
import { describeError } from "../lib/txErrors.ts";

type Copy = { blob: Blob; name: string; header: PackageHeader };

type Phase =
  | { step: "idle" }
  | { step: "fetching"; done: number; total: number | undefined }
  | { step: "reading" }
  | { step: "error"; message: string }
  | { step: "decrypting"; done: number; total: number | undefined }
  | { step: "locked" }
  | { step: "opened"; plaintext: Blob };

/** Who holds the copy: the owner of its license, or the publisher for the publisher's own copy. */
function useHolder(header: PackageHeader | undefined, entry: CatalogEntry | undefined) {
  const { client, market, chainId } = useMarket();
  const tokenId = header?.lineage.holderTokenId;
  return useQuery({
    queryKey: ["holder", chainId, market, tokenId?.toString(), entry?.content.publisher],
    enabled: tokenId !== undefined && entry !== undefined,
    queryFn: async (): Promise<Address> => {
      if (tokenId === 0n) return (entry as CatalogEntry).content.publisher;
      return (await getLineage(client, { market: market as Address, tokenId: tokenId as bigint })).license
        .owner;
    },
  });
}

function LineageFacts({ header }: { header: PackageHeader }) {
  const { lineage } = header;
  return (
    <dl className="facts" data-testid="lineage">
      <dt>Content</dt>
      <dd>#{lineage.contentId.toString()}</dd>
      <dt>Copy held by</dt>
      <dd>{lineage.holderTokenId === 0n ? "the publisher" : `license #${lineage.holderTokenId}`}</dd>
      <dt>Market</dt>
      <dd>
        <code title={lineage.market}>{shortAddress(lineage.market)}</code> on chain{" "}
        {lineage.chainId.toString()}
      </dd>
      <dt>Header</dt>
      <dd>
        {header.stanzas.length} stanzas, {header.bytes.length} bytes
      </dd>
    </dl>
  );
}

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
  const { market, chainId } = useMarket();
  const connection = useConnection();
  const inputId = useId();
  const [copy, setCopy] = useState<Copy>();
  const [phase, setPhase] = useState<Phase>({ step: "idle" });
  const [mine, setMine] = useState<{ blob: Blob; tokenId: bigint }>();
  const [dragging, setDragging] = useState(false);
  const [bought, setBought] = useState<bigint>();
  const [sharedLink, setSharedLink] = useState("");
  const { trackerUrl, iceServers } = useRuntimeConfig();
  const entry = useCatalogEntry(copy?.header.lineage.contentId);
  const holder = useHolder(copy?.header, entry.data);
  const licenses = useMyLicenses();
  const rekey = useRekey();

  const contentId = copy?.header.lineage.contentId;
  const ownLicense = licenses.data?.find((license) => license.contentId === contentId);
  const title = entry.data?.content.title || `Content #${contentId}`;
  const mediaType = entry.data?.metadata.mediaType || "application/octet-stream";

  async function decrypt(blob: Blob) {
    const identity = await browserIdentity();
    setPhase({ step: "decrypting", done: 0, total: undefined });
    const plaintext = await decryptInWorker(blob, [identity.key], (done, total) =>
      setPhase({ step: "decrypting", done, total }),
    );
    setPhase({ step: "opened", plaintext });
  }

  async function open(file: File) {
    setCopy(undefined);
    setMine(undefined);
    setBought(undefined);
    setPhase({ step: "reading" });
    try {
      const header = await readHeaderFromBlob(file);
      const { lineage } = header;
      if (lineage.chainId !== BigInt(chainId) || lineage.market.toLowerCase() !== market?.toLowerCase()) {
        setPhase({
          step: "error",
          message: `This copy belongs to market ${lineage.market} on chain ${lineage.chainId}, not to this one.`,
        });
        return;
      }
      setCopy({ blob: file, name: file.name, header });
      const identity = await browserIdentity();
      const keyedHere = (await unwrapFileKey(header, [identity.key])) !== null;
      await storeCopy({
        chainId,
        market,
        contentId: lineage.contentId.toString(),
        holderTokenId: lineage.holderTokenId.toString(),
        fileName: file.name,
        blob: file,
        keyedHere,
      });
      if (!keyedHere) {
        setPhase({ step: "locked" });
        return;
      }
      if (lineage.holderTokenId !== 0n) setMine({ blob: file, tokenId: lineage.holderTokenId });
      await decrypt(file);
    } catch (error) {
      setPhase({ step: "error", message: describeError(error).message });
    }
  }

  /** After a purchase (or with a license already owned): re-key this copy to the license and open it. */
  async function rekeyAndOpen(tokenId: bigint) {
    if (!copy || !market) return;
    const rekeyed = await rekey.rekey(copy.blob, copy.header, tokenId);
    if (!rekeyed) return;
    try {
      const fileName = copyFileName(entry.data?.metadata.fileName ?? copy.name, tokenId);
      await storeCopy({
        chainId,
        market,
        contentId: copy.header.lineage.contentId.toString(),
        holderTokenId: tokenId.toString(),
        fileName,
        blob: rekeyed,
        keyedHere: true,
      });
      setCopy({ blob: rekeyed, name: fileName, header: await readHeaderFromBlob(rekeyed) });
      setMine({ blob: rekeyed, tokenId });
      await decrypt(rekeyed);
    } catch (error) {
      setPhase({ step: "error", message: describeError(error).message });
    }
  }

  async function fetchAndOpen(magnet: string) {
    setCopy(undefined);
    if (!trackerUrl) {
      setPhase({ step: "error", message: "Peer-to-peer sharing is not set up for this deployment." });
      return;
    }
    setPhase({ step: "fetching", done: 0, total: undefined });
    try {
      const file = await fetchShared(magnet, { trackerUrl, iceServers }, (done, total) =>
        setPhase({ step: "fetching", done, total }),
      );
      await open(file);
    } catch (error) {
      setPhase({ step: "error", message: describeError(error).message });
    }
  }

  // A share link carries the magnet after "#": open it as soon as the page loads, once.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const magnet = magnetFromShareLink(window.location.hash);
    if (magnet) void fetchAndOpen(magnet);
  });

  function onSharedLink(event: FormEvent) {
    event.preventDefault();
    const magnet = magnetFromShareLink(sharedLink);
    if (magnet) void fetchAndOpen(magnet);
    else setPhase({ step: "error", message: "That is not a peer-to-peer share link." });
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void open(file);
  }

  return (
    <div className="opener">
      <section
        className={`drop-zone${dragging ? " active" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        aria-label="Drop a package here"
      >
        <p>
          <strong>Drop a package here</strong>
        </p>
        <label htmlFor={inputId} className="muted">
          or choose one
        </label>
        <input
          id={inputId}
          type="file"
          data-testid="package-input"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void open(file);
            event.target.value = "";
          }}
        />
      </section>

      {trackerUrl ? (
        <form className="shared-link" onSubmit={onSharedLink}>
          <label className="share-label" htmlFor={`${inputId}-link`}>
            Or paste a peer-to-peer share link
          </label>
          <div className="share-row">
            <input
              id={`${inputId}-link`}
              value={sharedLink}
              placeholder="…/open#magnet:?xt=…"
              onChange={(event) => setSharedLink(event.target.value)}
            />
            <button type="submit" className="button small" disabled={phase.step === "fetching"}>
              Fetch
            </button>
          </div>
        </form>
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
              <section
                className="panel check-failed"
                data-testid="check-failed"
                aria-labelledby="check-heading"
              >
                <h2 id="check-heading">Security check failed</h2>
                <p className="licensed-to" data-testid="licensed-to">
                  {copy.header.lineage.holderTokenId === 0n
                    ? "This is the publisher's copy."
                    : `This copy is licensed to #${copy.header.lineage.holderTokenId}.`}
                  {holder.data ? (
                    <>
                      {" "}
                      Its holder is <code title={holder.data}>{shortAddress(holder.data)}</code>.
                    </>
                  ) : null}
                </p>
                <p>
                  It does not open in this browser. Buy your own license through it: your payment rewards the
                  copy's holder and their referrers, and your copy is then re-keyed to you, so you earn when
                  you pass it on.
                </p>
              </section>
            ) : null}
            {phase.step === "decrypting" ? (
              <ProgressBar label="Decrypting" done={phase.done} total={phase.total} />
            ) : null}
            {phase.step === "opened" ? (
              <section className="panel" data-testid="opened" aria-labelledby="opened-heading">
                <h2 id="opened-heading">{title}</h2>
                <Preview blob={phase.plaintext} mediaType={mediaType} title={title} />
                <div className="actions">
                  <button
                    type="button"
                    className="button primary"
                    onClick={() =>
                      saveBlob(
                        new Blob([phase.plaintext], { type: mediaType }),
                        plaintextFileName(entry.data?.metadata.fileName, copy.name),
                      )
                    }
                  >
                    Save the file ({formatSize(phase.plaintext.size)})
                  </button>
                  {mine ? (
                    <button
                      type="button"
                      className="button"
                      onClick={() =>
                        saveBlob(
                          mine.blob,
                          copyFileName(entry.data?.metadata.fileName ?? copy.name, mine.tokenId),
                        )
                      }
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
                <section className="panel">
                  <h2>License #{bought.toString()} is yours</h2>
                  <p>Sign once more so the verifier re-keys this copy to this browser.</p>
                  <button
                    type="button"
                    className="button primary"
                    disabled={rekey.busy}
                    onClick={() => rekeyAndOpen(bought)}
                  >
                    Re-key this copy to me and open it
                  </button>
                </section>
              ) : ownLicense && connection.address ? (
                <section className="panel">
                  <h2>You already own license #{ownLicense.tokenId.toString()}</h2>
                  <button
                    type="button"
                    className="button primary"
                    disabled={rekey.busy}
                    onClick={() => rekeyAndOpen(ownLicense.tokenId)}
                  >
                    Re-key this copy to me and open it
                  </button>
                </section>
              ) : (
                <BuyPanel
                  entry={entry.data}
                  referrerTokenId={copy.header.lineage.holderTokenId}
                  onPurchased={(tokenId) => {
                    setBought(tokenId);
                    void rekeyAndOpen(tokenId);
                  }}
                />
              )
            ) : null}
            <TxStatus state={rekey.signature} label="Re-key signature" />
            <VerifierStatus state={rekey.verifier} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
