"use client";

import { useIndexStatus } from "../hooks/useIndex.ts";

const STILL_WORKS = "Buying, opening a copy and claiming still work: they ask the chain.";

/** Says when the lists can't be trusted as current: the index is down, behind, or of another chain. */
export function IndexStatusBanner() {
  const status = useIndexStatus();
  if (status.isPending && status.fetchStatus === "idle") return null;
  const state = status.data?.state ?? (status.isError ? "unavailable" : undefined);
  if (state === undefined || state === "caught-up") return null;
  let text: string;
  if (state === "behind" && status.data?.state === "behind") {
    text = `Indexed to block ${status.data.indexedBlock} of ${status.data.chainBlock}: the lists may not show the latest sales yet.`;
  } else if (state === "other-chain") {
    text = `The index holds another chain's data, so lists and trees are hidden until it is rebuilt. ${STILL_WORKS}`;
  } else {
    text = `The index is unavailable, so lists and trees can't be shown right now. ${STILL_WORKS}`;
  }
  return (
    <div className="banner warning" role="status" data-testid="index-status" data-state={state}>
      <div className="container banner-row">
        <p>{text}</p>
      </div>
    </div>
  );
}
