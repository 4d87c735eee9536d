"use client";

import { EmptyState } from "../components/EmptyState.tsx";
import { RequireMarket, RequireWallet } from "../components/Gates.tsx";

export function RewardsView() {
  return (
    <>
      <div className="page-head">
        <h1>Rewards</h1>
        <p>What your copies earned when others bought through them.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect your wallet to see and claim your rewards.">
          <EmptyState title="No rewards yet">
            <p>Share your copies: every purchase through them credits you here.</p>
          </EmptyState>
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
