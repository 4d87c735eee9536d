"use client";

import { RequireMarket, RequireWallet } from "../components/Gates.tsx";

export function PublishView() {
  return (
    <>
      <div className="page-head">
        <h1>Publish</h1>
        <p>Encrypt a file in your browser, set its price and rewards, and put it on sale.</p>
      </div>
      <RequireMarket>
        <RequireWallet reason="Connect the wallet that will publish and receive the sales.">
          <div className="panel">
            <p className="muted">Choose a file to start.</p>
          </div>
        </RequireWallet>
      </RequireMarket>
    </>
  );
}
