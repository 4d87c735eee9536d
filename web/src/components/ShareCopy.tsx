"use client";

import { toCanvas } from "qrcode";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Torrent } from "webtorrent/dist/webtorrent.min.js";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { formatSize } from "../lib/format.ts";
import { contentLinkFor, seed } from "../lib/p2p.ts";
import { CopyField } from "./CopyField.tsx";

export type ShareCopyProps = {
  contentId: bigint;
  /** The sharer's license: whoever buys through the link pays it. */
  tokenId: bigint;
  title: string;
  /** The sharer's copy in this browser, seeded to whoever opens the link while this page is open. */
  copy?: { blob: Blob; name: string };
  /** The publisher's magnet, carried when this browser has no copy to seed. */
  publisherMagnet?: string;
};

/** Seeds the copy when it can, and gives the link to the content page that names the sharer as referrer. */
function useShareLink({ contentId, tokenId, copy, publisherMagnet }: ShareCopyProps) {
  const { trackerUrl, iceServers } = useRuntimeConfig();
  const [torrent, setTorrent] = useState<Torrent>();
  const [failure, setFailure] = useState<string>();
  const [origin, setOrigin] = useState<string>();
  const seeds = copy !== undefined && trackerUrl !== null && failure === undefined;
  const blob = copy?.blob;
  const name = copy?.name;
  useEffect(() => setOrigin(window.location.origin), []);
  useEffect(() => {
    if (!blob || !name || !trackerUrl) return;
    let current = true;
    seed(blob, name, { trackerUrl, iceServers }).then(
      (seeded) => current && setTorrent(seeded),
      (error: unknown) => current && setFailure(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [blob, name, trackerUrl, iceServers]);
  const magnet = seeds ? torrent?.magnetURI : publisherMagnet;
  const ready = origin !== undefined && (!seeds || torrent !== undefined);
  return {
    link: ready ? contentLinkFor(origin, { contentId, referrerTokenId: tokenId, magnet }) : undefined,
    torrent: seeds ? torrent : undefined,
    failure,
  };
}

function QrCode({ value }: { value: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  // Drawn while the canvas is inserted, so that it is never seen blank.
  useLayoutEffect(() => {
    if (canvas.current)
      toCanvas(canvas.current, value, { margin: 2, width: 256 }).catch(() => setFailed(true));
  }, [value]);
  if (failed) return <p className="field-hint">This link is too long for a QR code; copy it instead.</p>;
  return <canvas ref={canvas} className="share-qr" data-testid="share-qr" aria-label="QR code of the link" />;
}

function Seeding({ torrent, publisherSeeds }: { torrent: Torrent; publisherSeeds: boolean }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((tick) => tick + 1), 1_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="field-hint" aria-live="polite">
      Your copy is offered from this browser: {torrent.numPeers}{" "}
      {torrent.numPeers === 1 ? "person" : "people"} connected, {formatSize(torrent.uploaded)} sent. Keep this
      page open while friends download{publisherSeeds ? "; otherwise they get it from the publisher." : "."}
    </p>
  );
}

function SharePanel(props: ShareCopyProps) {
  const { link, torrent, failure } = useShareLink(props);
  const [canShare, setCanShare] = useState(false);
  useEffect(() => setCanShare(typeof navigator.share === "function"), []);
  if (!link) return <p role="status">Preparing your copy for sharing…</p>;
  const id = `share-${props.tokenId}`;
  return (
    <div className="share" data-testid="share-panel">
      <label className="share-label" htmlFor={id}>
        Your link to “{props.title}”: friends who buy through it pay you
      </label>
      <CopyField id={id} value={link} testId="share-link" />
      {canShare ? (
        <div className="actions">
          <button
            type="button"
            className="button small"
            onClick={() =>
              navigator
                .share({ title: props.title, text: `${props.title} on Superdist`, url: link })
                .catch(() => {})
            }
          >
            Send with…
          </button>
        </div>
      ) : null}
      <QrCode value={link} />
      {torrent ? <Seeding torrent={torrent} publisherSeeds={props.publisherMagnet !== undefined} /> : null}
      {failure ? <p className="field-hint">This browser cannot offer the copy itself ({failure}).</p> : null}
    </div>
  );
}

/** The Share action of a license: a link with the sharer as referrer, to copy, send, or scan. */
export function ShareCopy(props: ShareCopyProps) {
  const [open, setOpen] = useState(false);
  return (
    <div className="share-copy">
      <button
        type="button"
        className="button small"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        Share
      </button>
      {open ? <SharePanel {...props} /> : null}
    </div>
  );
}
