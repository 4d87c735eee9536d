"use client";

import { useChains, useConnection, useSwitchChain } from "wagmi";
import { describeError } from "../lib/txErrors.ts";

/** Shown whenever the connected wallet is on another chain than this deployment's. */
export function NetworkBanner() {
  const connection = useConnection();
  const [chain] = useChains();
  const switchChain = useSwitchChain();
  if (connection.status !== "connected" || connection.chainId === chain.id) return null;
  return (
    <div className="banner warning" role="alert" data-testid="network-banner">
      <div className="container banner-row">
        <p>
          Your wallet is on another network (chain {connection.chainId}). Superdist runs on {chain.name}.
        </p>
        <button
          type="button"
          className="button primary"
          disabled={switchChain.isPending}
          onClick={() => switchChain.mutate({ chainId: chain.id })}
        >
          {switchChain.isPending ? "Switching…" : `Switch to ${chain.name}`}
        </button>
        {switchChain.error ? (
          <p className="banner-error">{describeError(switchChain.error).message}</p>
        ) : null}
      </div>
    </div>
  );
}
