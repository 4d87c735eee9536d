"use client";

import { useEffect, useId, useRef, useState } from "react";
import {
  type Connector,
  useBalance,
  useChains,
  useConnect,
  useConnection,
  useConnectors,
  useDisconnect,
} from "wagmi";
import { formatAmount, shortAddress } from "../lib/format.ts";
import { describeError } from "../lib/txErrors.ts";

/** The generic injected connector duplicates any wallet that also announced itself through EIP-6963. */
function walletChoices(connectors: readonly Connector[]): Connector[] {
  const announced = connectors.filter((connector) => connector.id !== "injected");
  if (announced.length > 0) return announced;
  const hasInjected = typeof window !== "undefined" && "ethereum" in window && window.ethereum !== undefined;
  return hasInjected ? connectors.filter((connector) => connector.id === "injected") : [];
}

/** The account at a glance; on a phone only the address shows, and opens its balance and Disconnect. */
function AccountBadge() {
  const connection = useConnection();
  const [open, setOpen] = useState(false);
  const { disconnect } = useDisconnect();
  const [chain] = useChains();
  // Pinned to this deployment's chain: the balance that pays here, even while the wallet is elsewhere.
  const balance = useBalance({
    address: connection.address,
    chainId: chain.id,
    query: { refetchInterval: 10_000 },
  });
  if (connection.address === undefined) return null;
  return (
    <div className={`account${open ? " open" : ""}`}>
      <button
        type="button"
        className="account-address"
        data-testid="account-address"
        title={connection.address}
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
      >
        <span aria-hidden="true" className="status-dot" />
        {shortAddress(connection.address)}
      </button>
      <div className="account-details">
        <span className="account-balance" data-testid="account-balance" aria-live="polite">
          {balance.data
            ? formatAmount(balance.data.value, balance.data.decimals, balance.data.symbol)
            : balance.isError
              ? "balance unavailable"
              : "…"}
        </span>
        <button type="button" className="button ghost small" onClick={() => disconnect()}>
          Disconnect
        </button>
      </div>
    </div>
  );
}

export function ConnectButton() {
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const containerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    const onClick = (event: MouseEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  if (connection.status === "connected") return <AccountBadge />;

  const choices = walletChoices(connectors);
  const connecting = connection.status === "connecting" || connect.isPending;
  return (
    <div className="connect" ref={containerRef}>
      <button
        type="button"
        className="button primary"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={connecting}
        onClick={() => setOpen((value) => !value)}
      >
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {open && (
        <div className="popover" id={menuId}>
          {choices.length === 0 ? (
            <p className="muted">
              No wallet found in this browser. Install a wallet extension to buy; you can still browse.
            </p>
          ) : (
            <ul className="wallet-list">
              {choices.map((connector) => (
                <li key={connector.uid}>
                  <button
                    type="button"
                    className="wallet-choice"
                    onClick={() => {
                      setOpen(false);
                      connect.mutate({ connector });
                    }}
                  >
                    {connector.icon ? (
                      // biome-ignore lint/performance/noImgElement: wallets announce their icon as a data URI
                      <img src={connector.icon} alt="" width={24} height={24} />
                    ) : null}
                    {connector.id === "injected" ? "Browser wallet" : connector.name}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {connect.error && !open ? (
        <p className="connect-error" role="alert">
          {describeError(connect.error).message}
        </p>
      ) : null}
    </div>
  );
}
