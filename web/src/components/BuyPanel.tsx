"use client";

import { ETH, getPermitTypedData, previewPurchase, superdistMarketAbi } from "@superdist/contracts";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import {
  type Address,
  erc20Abi,
  parseEventLogs,
  parseSignature,
  type TransactionReceipt,
  zeroAddress,
} from "viem";
import { readContract } from "viem/actions";
import { useConnection } from "wagmi";
import type { CatalogEntry } from "../hooks/useMarket.ts";
import { useMarket } from "../hooks/useMarket.ts";
import { useSigner, useTransactor } from "../hooks/useTransactor.ts";
import { formatAmount } from "../lib/format.ts";
import { priceText } from "./ContentCard.tsx";
import { SplitBar } from "./SplitBar.tsx";
import { TxStatus } from "./TxStatus.tsx";

/** How an ERC-20 buyer pays: a signed permit, an approval transaction first, or directly (allowance suffices). */
type PayMode = "eth" | "permit" | "approve" | "allowance";

const PERMIT_LIFETIME_SECONDS = 1_800n;

function purchasedToken(receipt: TransactionReceipt): bigint | undefined {
  const [event] = parseEventLogs({
    abi: superdistMarketAbi,
    logs: receipt.logs,
    eventName: "LicensePurchased",
  });
  return event?.args.tokenId;
}

/**
 * Buys `entry` through `referrerTokenId` (0 for none): the split picture of this very purchase, then one
 * button; for an ERC-20 both steps (permit or approval, then purchase) are listed and reported.
 */
export function BuyPanel({
  entry,
  referrerTokenId,
  onPurchased,
}: {
  entry: CatalogEntry;
  referrerTokenId: bigint;
  onPurchased?: (tokenId: bigint) => void;
}) {
  const { client, market, chainId } = useMarket();
  const connection = useConnection();
  const payer = connection.address;
  const { currency, content, contentId } = entry;
  const format = (amount: bigint) => formatAmount(amount, currency.decimals, currency.symbol, 6);
  const approval = useTransactor({ formatAmount: format });
  const purchase = useTransactor({ formatAmount: format });
  const permit = useSigner();
  const [tokenId, setTokenId] = useState<bigint>();
  const maxPrice = content.price;
  const isEth = content.currency === ETH;

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
    queryFn: async (): Promise<PayMode> => {
      if (isEth) return "eth";
      const owner = payer as Address;
      const allowance = await readContract(client, {
        address: content.currency,
        abi: erc20Abi,
        functionName: "allowance",
        args: [owner, market as Address],
      });
      if (allowance >= maxPrice) return "allowance";
      const typed = await getPermitTypedData(client, {
        token: content.currency,
        owner,
        spender: market as Address,
        value: maxPrice,
        deadline: 0n,
      });
      return typed ? "permit" : "approve";
    },
  });

  const busy = approval.busy || purchase.busy || permit.busy;

  async function buy() {
    if (!payer || !market || !mode.data) return;
    approval.reset();
    purchase.reset();
    permit.reset();
    let receipt: TransactionReceipt | undefined;
    const args = [contentId, referrerTokenId, payer, maxPrice] as const;
    if (mode.data === "eth") {
      receipt = await purchase.write({
        address: market,
        abi: superdistMarketAbi,
        functionName: "purchase",
        args,
        value: maxPrice,
      });
    } else if (mode.data === "permit") {
      const deadline = BigInt(Math.floor(Date.now() / 1000)) + PERMIT_LIFETIME_SECONDS;
      const typed = await getPermitTypedData(client, {
        token: content.currency,
        owner: payer,
        spender: market,
        value: maxPrice,
        deadline,
      });
      if (!typed) return;
      const signature = await permit.sign(typed);
      if (!signature) return;
      const { r, s, v, yParity } = parseSignature(signature);
      receipt = await purchase.write({
        address: market,
        abi: superdistMarketAbi,
        functionName: "purchaseWithPermit",
        args: [...args, deadline, Number(v ?? BigInt(yParity + 27)), r, s],
      });
    } else {
      if (mode.data === "approve") {
        const approved = await approval.write({
          address: content.currency,
          abi: erc20Abi,
          functionName: "approve",
          args: [market, maxPrice],
        });
        if (!approved) return;
      }
      receipt = await purchase.write({
        address: market,
        abi: superdistMarketAbi,
        functionName: "purchase",
        args,
      });
    }
    const bought = receipt && purchasedToken(receipt);
    if (bought !== undefined) {
      setTokenId(bought);
      onPurchased?.(bought);
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
          <div className="actions">
            <button
              type="button"
              className="button primary"
              onClick={buy}
              disabled={busy || mode.data === undefined}
            >
              Buy for {priceText(entry)}
            </button>
          </div>
        </>
      )}
      <TxStatus state={permit.state} label="Permission" />
      <TxStatus state={approval.state} label="Approval" />
      <TxStatus state={purchase.state} label="Purchase" />
      {tokenId !== undefined ? (
        <p className="notice success" data-testid="purchased" role="status">
          License #{tokenId.toString()} is yours.
        </p>
      ) : null}
    </section>
  );
}
