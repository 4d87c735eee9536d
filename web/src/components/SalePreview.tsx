"use client";

import { type Currency, splitPurchase } from "@superdist/contracts";
import { type Address, numberToHex, zeroAddress } from "viem";
import { levelName } from "./RewardLevelsField.tsx";
import { SplitBar } from "./SplitBar.tsx";

/** Stand-in owners for the live picture: one distinct account per level, none of them the buyer. */
function exampleAncestors(depth: number) {
  return Array.from({ length: depth }, (_, index) => ({
    tokenId: BigInt(index + 1),
    owner: numberToHex(index + 1, { size: 20 }) as Address,
  }));
}

/** How a sale through a copy with a full lineage would split, drawn live while the publisher sets the terms. */
export function SalePreview({
  price,
  rewardBps,
  feeBps,
  currency,
}: {
  /** Undefined while the terms cannot be published. */
  price: bigint | undefined;
  rewardBps: number[];
  feeBps: number;
  currency: Currency | undefined;
}) {
  const split =
    price !== undefined && currency
      ? splitPurchase({
          price,
          rewardBps,
          feeBps,
          ancestors: exampleAncestors(rewardBps.length),
          payer: zeroAddress,
          recipient: zeroAddress,
        })
      : undefined;
  return (
    <div className="panel">
      {split && currency ? (
        <SplitBar
          split={split}
          currency={currency}
          levelLabel={levelName}
          title="A sale through a copy with a full lineage"
        />
      ) : (
        <p className="muted">Enter a price and rewards to see how each sale splits.</p>
      )}
    </div>
  );
}
