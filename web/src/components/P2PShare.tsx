"use client";

import { useEffect, useState } from "react";
import type { Torrent } from "webtorrent/dist/webtorrent.min.js";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { formatSize } from "../lib/format.ts";
import { seed, shareLinkFor } from "../lib/p2p.ts";
import { CopyField } from "./CopyField.tsx";

/** Seeds a copy to other browsers and shows the link that fetches it; sharing lasts while the page is open. */
export function P2PShare({ blob, name }: { blob: Blob; name: string }) {
  const { trackerUrl, iceServers } = useRuntimeConfig();
  const [torrent, setTorrent] = useState<Torrent>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [, setTick] = useState(0);

  useEffect(() => {
    if (!torrent) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 1_000);
    return () => clearInterval(timer);
  }, [torrent]);

  if (!trackerUrl) return null;
  if (!torrent) {
    return (
      <div className="p2p">
        <button
          type="button"
          className="button small"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              setTorrent(await seed(blob, name, { trackerUrl, iceServers }));
            } catch (caught) {
              setError(caught instanceof Error ? caught.message : String(caught));
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? "Preparing…" : "Share peer to peer"}
        </button>
        {error ? <p className="field-hint error-text">Sharing failed: {error}</p> : null}
      </div>
    );
  }
  const link = shareLinkFor(window.location.origin, torrent.magnetURI);
  return (
    <div className="p2p share" data-testid="p2p-share">
      <label className="share-label" htmlFor={`p2p-${torrent.infoHash}`}>
        Peer-to-peer link: anyone with it downloads your copy from this browser
      </label>
      <CopyField id={`p2p-${torrent.infoHash}`} value={link} testId="p2p-link" />
      <p className="field-hint" aria-live="polite">
        Seeding to {torrent.numPeers} {torrent.numPeers === 1 ? "peer" : "peers"},{" "}
        {formatSize(torrent.uploaded)} sent. Keep this page open while others download.
      </p>
    </div>
  );
}
