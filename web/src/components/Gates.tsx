"use client";

import { type ReactNode, useSyncExternalStore } from "react";
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

const subscribeNever = () => () => {};

/** False while React hydrates the server's HTML, true from then on (and on pages rendered in the browser). */
function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeNever,
    () => true,
    () => false,
  );
}

/** Pages about "my" things ask for a wallet; the rest of the app stays readable without one. */
export function RequireWallet({ children, reason }: { children: ReactNode; reason: string }) {
  const connection = useConnection();
  // The server renders before the wallet reconnects. A part of the page that hydrates after the reconnect
  // must still render what the server sent, or React discards the server's HTML with a hydration error.
  const hydrated = useHydrated();
  if (!hydrated || connection.status !== "connected") {
    return (
      <EmptyState title="Connect a wallet">
        <p>{reason}</p>
      </EmptyState>
    );
  }
  return children;
}
