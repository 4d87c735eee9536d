"use client";

import { previewPurchase } from "@superdist/contracts";
import { getPaymentMode, purchaseLicense } from "@superdist/sdk";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Address, zeroAddress } from "viem";
import { useConnection } from "wagmi";
import { useFlow } from "../hooks/useFlow.ts";
import { useIndexer } from "../hooks/useIndex.ts";
import type { ContentEntry } from "../hooks/useMarket.ts";
import { useMarket } from "../hooks/useMarket.ts";
import { usePurchaseCosts } from "../hooks/usePurchaseCosts.ts";
import { formatAmount } from "../lib/format.ts";
import { priceText } from "./ContentCard.tsx";
import { PurchaseCosts } from "./PurchaseCosts.tsx";
import { SplitBar } from "./SplitBar.tsx";
import { TxStatus } from "./TxStatus.tsx";

const IDLE = { stage: "idle" } as const;

/**
 * Buys `entry` through `referrerTokenId` (0 for none): the split picture of this very purchase, then one
 * button; for an ERC-20 both steps (permit or approval, then purchase) are listed and reported.
 */
export function BuyPanel({
  entry,
  referrerTokenId,
  onPurchased,
}: {
  entry: ContentEntry;
  referrerTokenId: bigint;
  onPurchased?: (tokenId: bigint) => void;
}) {
  const { client, market, chainId, verifierUrls, fromBlock } = useMarket();
  const indexer = useIndexer();
  const connection = useConnection();
  const payer = connection.address;
  const { currency, content, contentId } = entry;
  const flow = useFlow({
    formatAmount: (amount) => formatAmount(amount, currency.decimals, currency.symbol, 6),
  });
  const [tokenId, setTokenId] = useState<bigint>();
  const maxPrice = content.price;

  const preview = useQuery({
    queryKey: ["preview", chainId, market, contentId.toString(), referrerTokenId.toString(), payer],
    queryFn: () =>
      previewPurchase(client, {
        market: market as Address,
        contentId,
        referrerTokenId,
        payer: payer ?? zeroAddress,
      }),
  });

  const mode = useQuery({
    queryKey: ["pay-mode", chainId, content.currency, payer, market, maxPrice.toString()],
    enabled: payer !== undefined,
    queryFn: () =>
      getPaymentMode(client, {
        market: market as Address,
        currency: content.currency,
        payer: payer as Address,
        price: maxPrice,
      }),
  });

  const costs = usePurchaseCosts(entry, referrerTokenId, payer);

  async function buy() {
    if (!payer || !market || !mode.data) return;
    const bought = await flow.run(({ signer, publicClient, onStage }) =>
      purchaseLicense(signer, {
        market,
        contentId,
        referrerTokenId,
        // The price and currency shown: a content repriced or moved to another token since is refused, not paid.
        maxPrice,
        currency: content.currency,
        verifierUrls,
        fromBlock,
        indexer: indexer ?? undefined,
        publicClient,
        onStage,
      }),
    );
    if (bought) {
      setTokenId(bought.tokenId);
      onPurchased?.(bought.tokenId);
    }
  }

  return (
    <section className="panel buy-panel" aria-labelledby="buy-heading" data-testid="buy-panel">
      <h2 id="buy-heading">Buy a license</h2>
      <p className="price-large" data-testid="buy-price">
        {priceText(entry)}
      </p>
      {preview.data ? (
        <SplitBar split={preview.data.split} currency={currency} />
      ) : preview.isError ? (
        <p className="muted">The split of this purchase could not be computed.</p>
      ) : (
        <p className="muted">Working out who this purchase pays…</p>
      )}
      {content.paused ? (
        <p className="notice">The publisher has paused sales of this content.</p>
      ) : !payer ? (
        <p className="notice">Connect a wallet (top right) to buy.</p>
      ) : tokenId !== undefined ? null : (
        <>
          {mode.data === "permit" || mode.data === "approve" ? (
            <ol className="steps">
              <li>
                {mode.data === "permit"
                  ? `Sign a permission for the market to take ${priceText(entry)} (no network fee).`
                  : `Approve the market to take ${priceText(entry)} from your ${currency.symbol}.`}
              </li>
              <li>Buy the license.</li>
            </ol>
          ) : null}
          <PurchaseCosts entry={entry} costs={costs.data} />
          <div className="actions">
            <button
              type="button"
              className="button primary"
              onClick={buy}
              disabled={flow.running || mode.data === undefined || costs.data?.enough === false}
            >
              Buy for {priceText(entry)}
            </button>
          </div>
        </>
      )}
      <TxStatus state={flow.states.wallet ?? IDLE} />
      <TxStatus state={flow.states.permit ?? IDLE} label="Permission" />
      <TxStatus state={flow.states.approval ?? IDLE} label="Approval" />
      <TxStatus state={flow.states.purchase ?? IDLE} label="Purchase" />
      {flow.running && flow.states.confirmations ? (
        <p className="tx-status progress" role="status" data-testid="confirmations">
          Waiting for {flow.states.confirmations.seen} of {flow.states.confirmations.needed} confirmations, so
          that the verifier sees your license…
        </p>
      ) : null}
      {tokenId !== undefined ? (
        <p className="notice success" data-testid="purchased" role="status">
          License #{tokenId.toString()} is yours.
        </p>
      ) : null}
    </section>
  );
}
