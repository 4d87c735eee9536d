"use client";

import type { ReactNode } from "react";
import type { Address } from "viem";
import { useConnection } from "wagmi";
import { ClaimPanel } from "../components/ClaimPanel.tsx";
import { EmptyState, LoadingCards } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";
import { ReferralTree } from "../components/ReferralTree.tsx";
import { RewardsHistory } from "../components/RewardsHistory.tsx";
import { useActivity, useCurrencies } from "../hooks/useActivity.ts";
import { useCatalog } from "../hooks/useMarket.ts";
import { describeError } from "../lib/txErrors.ts";

function Rewards({ account }: { account: Address }) {
  const activity = useActivity(account);
  const currencies = useCurrencies(activity.data?.currencyList);
  const catalog = useCatalog();
  const titles = new Map((catalog.data ?? []).map((entry) => [entry.contentId, entry.content.title]));

  let lists: ReactNode;
  if (activity.isPending || (activity.data && currencies.isPending)) {
    lists = <LoadingCards count={2} label="Loading your rewards" />;
  } else if (activity.isError || currencies.isError) {
    lists = (
      <EmptyState title="Your referral tree and history could not be read">
        <p>{describeError(activity.error ?? currencies.error).message}</p>
      </EmptyState>
    );
  } else {
    const known = currencies.data ?? new Map();
    lists = (
      <>
        <section className="panel" aria-labelledby="tree-heading">
          <h2 id="tree-heading">Your referral tree</h2>
          {activity.data.licenses.length === 0 ? (
            <p className="muted">
              You hold no licenses yet. Buy one, share your copy, and the sales through it grow here.
            </p>
          ) : (
            <ReferralTree
              roots={activity.data.licenses}
              account={account}
              currencies={known}
              titles={titles}
            />
          )}
        </section>
        <section className="panel" aria-labelledby="history-heading">
          <h2 id="history-heading">History</h2>
          <RewardsHistory activity={activity.data} currencies={known} titles={titles} />
        </section>
      </>
    );
  }
  return (
    <>
      <ClaimPanel account={account} known={activity.data?.currencyList} />
      {lists}
    </>
  );
}

function ConnectedRewards() {
  const { address } = useConnection();
  return address ? <Rewards account={address} /> : null;
}

export function RewardsView() {
  return (
    <>
      <div className="page-head">
        <h1>Rewards</h1>
        <p>What your copies earned when others bought through them.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect your wallet to see and claim your rewards.">
          <ConnectedRewards />
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
