"use client";

import Link from "next/link";
import type { Published } from "../hooks/usePublishContent.ts";
import type { TxState } from "../hooks/useTransactor.ts";
import { saveBlob } from "../lib/copies.ts";
import { P2PShare } from "./P2PShare.tsx";
import { TxStatus } from "./TxStatus.tsx";

/** A publication on chain: the first copy to download and share. */
export function PublishedPanel({ published, publish }: { published: Published; publish: TxState }) {
  return (
    <section className="panel" data-testid="published">
      <h2>Published as content #{published.contentId.toString()}</h2>
      <p>
        Your first copy is keyed to this browser. Download it and share it anywhere: whoever buys through it
        pays you the level 1 reward on top of your sale.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button primary"
          onClick={() => saveBlob(published.blob, published.fileName)}
        >
          Download your first copy
        </button>
        <Link className="button" href={`/content/${published.contentId}`}>
          See it in the catalog
        </Link>
      </div>
      <P2PShare blob={published.blob} name={published.fileName} />
      <TxStatus state={publish} label="Publish" />
    </section>
  );
}
