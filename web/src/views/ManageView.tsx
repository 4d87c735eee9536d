"use client";

import Link from "next/link";
import { useConnection } from "wagmi";
import { ContentDashboardPanel } from "../components/ContentDashboardPanel.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import {
  DetailsForm,
  HandOverForm,
  PauseForm,
  PayoutForm,
  PriceForm,
  RewardsForm,
} from "../components/ManageForms.tsx";
import { useCatalogEntry } from "../hooks/useMarket.ts";
import { shortAddress } from "../lib/format.ts";
import { describeError } from "../lib/txErrors.ts";

function Manage({ contentId }: { contentId: bigint }) {
  const { address } = useConnection();
  const entry = useCatalogEntry(contentId);
  if (entry.isPending) return <LoadingCards count={1} label="Loading the content" />;
  if (entry.isError) {
    return (
      <EmptyState title="The content could not be read">
        <p>{describeError(entry.error).message}</p>
      </EmptyState>
    );
  }
  const { content } = entry.data;
  const title = content.title || `Content #${contentId}`;
  if (address?.toLowerCase() !== content.publisher.toLowerCase()) {
    return (
      <EmptyState title="Only its publisher can manage this content">
        <p>
          “{title}” is published by <code title={content.publisher}>{shortAddress(content.publisher)}</code>.
          Connect that wallet to change it.
        </p>
        <Link href={`/content/${contentId}`}>Back to the content</Link>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="page-head">
        <h1>
          Manage “<Link href={`/content/${contentId}`}>{title}</Link>”
        </h1>
        <p>Sales, and every change the market lets a publisher make. Each is one transaction.</p>
      </div>
      <section className="panel" aria-labelledby="sales-heading">
        <h2 id="sales-heading">Sales</h2>
        <ContentDashboardPanel entry={entry.data} publisher={content.publisher} />
      </section>
      <div className="two-columns">
        <div>
          <PriceForm entry={entry.data} />
          <RewardsForm entry={entry.data} />
          <PauseForm entry={entry.data} />
        </div>
        <div>
          <DetailsForm entry={entry.data} />
          <PayoutForm entry={entry.data} />
          <HandOverForm entry={entry.data} />
        </div>
      </div>
    </>
  );
}

export function ManageView({ contentId }: { contentId: string }) {
  return (
    <RequireMarket>
      <RequireWallet reason="Connect the publisher's wallet to manage this content.">
        <Manage contentId={BigInt(contentId)} />
      </RequireWallet>
    </RequireMarket>
  );
}
