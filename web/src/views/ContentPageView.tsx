"use client";

import { LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket } from "../components/Gates.tsx";

export function ContentPageView({ contentId }: { contentId: string; referrerTokenId: string | null }) {
  return (
    <>
      <div className="page-head">
        <h1>Content #{contentId}</h1>
      </div>
      <RequireMarket>
        <LoadingCards count={1} label="Loading the content" />
      </RequireMarket>
    </>
  );
}
