"use client";

import Link from "next/link";
import type { Address } from "viem";
import { usePublications } from "../hooks/usePublications.ts";
import { useStoredCopies } from "../hooks/useStoredCopies.ts";
import { saveBlob } from "../lib/copies.ts";
import { describeError } from "../lib/txErrors.ts";
import { Cover, priceText } from "./ContentCard.tsx";
import { ContentDashboardPanel } from "./ContentDashboardPanel.tsx";
import { P2PShare } from "./P2PShare.tsx";

/** A publisher's contents in their library: the sales of each, and where to manage it. */
export function PublicationsSection({ account }: { account: Address }) {
  const publications = usePublications(account);
  const copies = useStoredCopies();
  if (publications.isPending || (publications.data && publications.data.length === 0)) return null;
  return (
    <section aria-labelledby="publications-heading" data-testid="publications">
      <h2 id="publications-heading">Your publications</h2>
      {publications.isError ? (
        <p className="notice" role="alert">
          Your publications can't be listed: {describeError(publications.error).message}
        </p>
      ) : (
        publications.data.map((entry) => {
          const own = copies.data?.find(
            (copy) =>
              copy.contentId === entry.contentId.toString() && copy.holderTokenId === "0" && copy.keyedHere,
          );
          return (
            <article
              key={entry.contentId.toString()}
              className="panel publication"
              data-testid="publication"
              data-content-id={entry.contentId.toString()}
            >
              <div className="publication-head">
                <Cover entry={entry} className="cover publication-cover" />
                <div>
                  <h3>
                    <Link href={`/content/${entry.contentId}`}>
                      {entry.content.title || `Content #${entry.contentId}`}
                    </Link>
                  </h3>
                  <p className="muted">
                    {priceText(entry)}
                    {entry.content.paused ? " · sales paused" : ""}
                  </p>
                  <Link className="button" href={`/content/${entry.contentId}/manage`}>
                    Manage
                  </Link>
                </div>
              </div>
              <ContentDashboardPanel entry={entry} publisher={account} />
              {own ? (
                <div className="actions">
                  <button type="button" className="button" onClick={() => saveBlob(own.blob, own.fileName)}>
                    Download your copy
                  </button>
                  <P2PShare blob={own.blob} name={own.fileName} />
                </div>
              ) : null}
            </article>
          );
        })
      )}
    </section>
  );
}
