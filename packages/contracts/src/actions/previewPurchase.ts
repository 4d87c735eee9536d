import type { Address, Client } from "viem";
import { readContract } from "viem/actions";
import { superdistMarketAbi } from "../abi.generated.ts";
import { type PurchaseSplit, splitPurchase } from "../split.ts";
import { type GetContentReturnType, getContent } from "./getContent.ts";
import { getLineage } from "./getLineage.ts";

export type PreviewPurchaseParameters = {
  market: Address;
  contentId: bigint;
  /** The license of the copy bought through, or 0n. */
  referrerTokenId: bigint;
  payer: Address;
  recipient?: Address;
};
export type PreviewPurchaseReturnType = {
  content: GetContentReturnType;
  split: PurchaseSplit;
  /** Owner of the referrer license, when there is one. */
  referrerOwner?: Address;
};

/** What buying `contentId` through `referrerTokenId` costs and whom it pays, from the chain as it is now. */
export async function previewPurchase(
  client: Client,
  { market, contentId, referrerTokenId, payer, recipient = payer }: PreviewPurchaseParameters,
): Promise<PreviewPurchaseReturnType> {
  const [content, [, feeBps], lineage] = await Promise.all([
    getContent(client, { market, contentId }),
    readContract(client, { address: market, abi: superdistMarketAbi, functionName: "protocolFee" }),
    referrerTokenId === 0n ? undefined : getLineage(client, { market, tokenId: referrerTokenId }),
  ]);
  const split = splitPurchase({
    price: content.price,
    rewardBps: content.rewardBps,
    feeBps,
    ancestors: (lineage?.payees ?? []).map(({ tokenId, owner }) => ({ tokenId, owner })),
    payer,
    recipient,
  });
  return { content, split, referrerOwner: lineage?.license.owner };
}
