import { superdistMarketAbi } from "@superdist/contracts";
import type { Address, Client } from "viem";
import { readContract } from "viem/actions";

export type GetMarketTermsParameters = { market: Address };

export type GetMarketTermsReturnType = {
  /** Most reward levels a content may pay. */
  maxDepth: number;
  /** The protocol's cut of every sale, in basis points, taken before the publisher's share. */
  feeBps: number;
  feeRecipient: Address;
  /** Rewards and the protocol fee together may not exceed this, in basis points. */
  maxRewardBps: number;
  maxRoyaltyBps: number;
  nextContentId: bigint;
};

/** The market-wide limits a publisher's terms must fit, and the id the next publication would get. */
export async function getMarketTerms(
  client: Client,
  { market }: GetMarketTermsParameters,
): Promise<GetMarketTermsReturnType> {
  const read = <name extends "MAX_DEPTH" | "MAX_ROYALTY_BPS" | "MAX_PROTOCOL_FEE_BPS" | "contentCount">(
    functionName: name,
  ) => readContract(client, { address: market, abi: superdistMarketAbi, functionName });
  const [maxDepth, maxRoyaltyBps, maxFeeBps, count, [feeRecipient, feeBps]] = await Promise.all([
    read("MAX_DEPTH"),
    read("MAX_ROYALTY_BPS"),
    read("MAX_PROTOCOL_FEE_BPS"),
    read("contentCount"),
    readContract(client, { address: market, abi: superdistMarketAbi, functionName: "protocolFee" }),
  ]);
  return {
    maxDepth: Number(maxDepth),
    feeBps,
    feeRecipient,
    // The market reserves room for the highest fee it may ever charge, not only today's.
    maxRewardBps: 10_000 - Number(maxFeeBps),
    maxRoyaltyBps: Number(maxRoyaltyBps),
    nextContentId: count + 1n,
  };
}
