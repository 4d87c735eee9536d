"use client";

import type { ReactNode } from "react";
import { useConnection } from "wagmi";
import { useRuntimeConfig } from "../hooks/useRuntimeConfig.ts";
import { EmptyState } from "./EmptyState.tsx";

/** Renders its children only when this deployment knows its market contract. */
export function RequireMarket({ children }: { children: ReactNode }) {
  const { market, chainId } = useRuntimeConfig();
  if (market === null) {
    return (
      <EmptyState title="No market on this network">
        <p>
          No superdist market is deployed on chain {chainId} yet. Set SUPERDIST_MARKET when serving the app.
        </p>
      </EmptyState>
    );
  }
  return children;
}

/** Pages about "my" things ask for a wallet; the rest of the app stays readable without one. */
export function RequireWallet({ children, reason }: { children: ReactNode; reason: string }) {
  const connection = useConnection();
  if (connection.status !== "connected") {
    return (
      <EmptyState title="Connect a wallet">
        <p>{reason}</p>
      </EmptyState>
    );
  }
  return children;
}
