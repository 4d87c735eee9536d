"use client";

import { ETH } from "@superdist/contracts";
import Link from "next/link";
import { useState } from "react";
import { useConnection } from "wagmi";
import { BuyPanel } from "../components/BuyPanel.tsx";
import { Cover } from "../components/ContentCard.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket } from "../components/Gates.tsx";
import { SalesFact } from "../components/SalesFact.tsx";
import { YourCopyPanel } from "../components/YourCopyPanel.tsx";
import { useMyLicenses } from "../hooks/useLicenses.ts";
import { type ContentEntry, useCatalogEntry } from "../hooks/useMarket.ts";
import { useReferrer } from "../hooks/useReferrer.ts";
import { useSharedMagnet } from "../hooks/useSharedMagnet.ts";
import { formatBps, formatSize, shortAddress } from "../lib/format.ts";
import { describeError } from "../lib/txErrors.ts";

function Referrer({ contentId, tokenId }: { contentId: bigint; tokenId: bigint }) {
  const referrer = useReferrer(contentId, tokenId);
  if (tokenId === 0n) {
    return (
      <p className="muted">No referrer: the whole price goes to the publisher (minus the protocol fee).</p>
    );
  }
  if (referrer.isPending) return <p className="muted">Checking the referrer…</p>;
  if (!referrer.data?.valid) {
    return (
      <p className="notice" role="alert">
        License #{tokenId.toString()} is not a license of this content, so it cannot refer you.{" "}
        <Link href={`/content/${contentId}`}>Buy without a referrer</Link>.
      </p>
    );
  }
  return (
    <p className="notice" data-testid="referrer">
      Referred by license <strong>#{tokenId.toString()}</strong>, held by{" "}
      <code title={referrer.data.owner}>{shortAddress(referrer.data.owner)}</code>. Buying here pays them and
      whoever referred them.
    </p>
  );
}

function ContentDetails({ entry, referrerTokenId }: { entry: ContentEntry; referrerTokenId: bigint }) {
  const referrer = useReferrer(entry.contentId, referrerTokenId);
  const licenses = useMyLicenses();
  const connection = useConnection();
  const sharedMagnet = useSharedMagnet();
  const [bought, setBought] = useState<bigint>();
  const owned = licenses.data?.find((license) => license.contentId === entry.contentId);
  const { content, metadata } = entry;
  const validReferrer = referrerTokenId !== 0n && referrer.data?.valid ? referrerTokenId : 0n;
  return (
    <div className="content-page">
      <h1 className="content-title" data-testid="content-title">
        {content.title || `Content #${entry.contentId}`}
      </h1>
      <Cover entry={entry} className="cover detail-cover" />
      <div className="content-about">
        {metadata.description ? <p className="description">{metadata.description}</p> : null}
        <dl className="facts">
          <dt>Publisher</dt>
          <dd>
            <code title={content.publisher}>{shortAddress(content.publisher)}</code>
          </dd>
          <dt>Currency</dt>
          <dd>
            {content.currency === ETH
              ? "ETH"
              : `${entry.currency.symbol} (${shortAddress(content.currency)})`}
          </dd>
          <dt>Referral rewards</dt>
          <dd>
            {content.rewardBps.length === 0
              ? "none"
              : content.rewardBps.map((bps, index) => `level ${index + 1}: ${formatBps(bps)}`).join(", ")}
          </dd>
          <SalesFact contentId={entry.contentId} />
          <dt>Licenses</dt>
          <dd>{content.transferable ? "can be transferred" : "cannot be transferred"}</dd>
          {metadata.fileName ? (
            <>
              <dt>File</dt>
              <dd>
                {metadata.fileName}
                {metadata.size !== undefined ? ` · ${formatSize(metadata.size)}` : ""}
                {metadata.mediaType ? ` · ${metadata.mediaType}` : ""}
              </dd>
            </>
          ) : null}
        </dl>
      </div>
      <div className="content-buy">
        {connection.address?.toLowerCase() === content.publisher.toLowerCase() ? (
          <p className="notice" data-testid="publisher-notice">
            You publish this content. <Link href={`/content/${entry.contentId}/manage`}>Manage it</Link>: its
            sales, price, rewards, payout and details.
          </p>
        ) : null}
        <Referrer contentId={entry.contentId} tokenId={referrerTokenId} />
        {owned && bought === undefined ? (
          <YourCopyPanel
            entry={entry}
            tokenId={owned.tokenId}
            justBought={false}
            sharedMagnet={sharedMagnet}
          />
        ) : referrerTokenId === 0n || referrer.data ? (
          <BuyPanel entry={entry} referrerTokenId={validReferrer} onPurchased={setBought} />
        ) : null}
        {bought !== undefined ? (
          <YourCopyPanel entry={entry} tokenId={bought} justBought sharedMagnet={sharedMagnet} />
        ) : null}
        <p className="muted">
          Already have a copy? <Link href="/open">Open it</Link> to read it or to buy through it.
        </p>
      </div>
    </div>
  );
}

export function ContentPageView({
  contentId,
  referrerTokenId,
}: {
  contentId: string;
  referrerTokenId: string | null;
}) {
  return (
    <RequireMarket>
      <ContentLoader contentId={BigInt(contentId)} referrerTokenId={BigInt(referrerTokenId ?? 0)} />
    </RequireMarket>
  );
}

function ContentLoader({ contentId, referrerTokenId }: { contentId: bigint; referrerTokenId: bigint }) {
  const entry = useCatalogEntry(contentId);
  if (entry.isPending) return <LoadingCards count={1} label="Loading the content" />;
  if (entry.isError) {
    const { code, message } = describeError(entry.error);
    return (
      <EmptyState
        title={code === "revert:ContentNotFound" ? "No such content" : "The content could not be read"}
      >
        <p>{message}</p>
        <Link href="/">Back to the catalog</Link>
      </EmptyState>
    );
  }
  return <ContentDetails entry={entry.data} referrerTokenId={referrerTokenId} />;
}
