import { SdkError } from "../errors.ts";
import type { GetMarketTermsReturnType } from "./getMarketTerms.ts";

/** The terms a publisher sets; `price` is in the smallest unit of `currency`. */
export type PublishTerms = {
  price: bigint;
  currency: `0x${string}`;
  /** Basis points per lineage level, level 1 first (the holder of the copy bought through). */
  rewardBps: readonly number[];
  royaltyBps?: number;
  transferable?: boolean;
  title: string;
  metadataURI: string;
  /** Who receives the sales; the publisher by default. */
  payout?: `0x${string}`;
};

const percent = (bps: number) => `${bps / 100}%`;

/** Prices are stored in 96 bits on chain. */
const MAX_PRICE = 2n ** 96n - 1n;

export type TermsProblem = { field: "price" | "rewardBps" | "royaltyBps" | "title"; message: string };

/**
 * What the market would refuse in `terms`, field by field, so that a form can say it beside each field and a
 * publisher never encrypts a file for terms that cannot be published.
 */
export function termsProblems(terms: PublishTerms, market: GetMarketTermsReturnType): TermsProblem[] {
  const problems: TermsProblem[] = [];
  if (terms.price < 0n) problems.push({ field: "price", message: "The price cannot be negative." });
  else if (terms.price > MAX_PRICE) problems.push({ field: "price", message: "The price is too large." });
  if (terms.title.trim() === "") problems.push({ field: "title", message: "A title is needed." });
  if (terms.rewardBps.length > market.maxDepth) {
    problems.push({
      field: "rewardBps",
      message: `${terms.rewardBps.length} reward levels; the market pays at most ${market.maxDepth} (MAX_DEPTH).`,
    });
  }
  if (terms.rewardBps.some((bps) => !Number.isInteger(bps) || bps < 0 || bps > 10_000)) {
    problems.push({ field: "rewardBps", message: "Each reward is a percentage between 0 and 100." });
  } else {
    const sum = terms.rewardBps.reduce((total, bps) => total + bps, 0);
    if (sum > market.maxRewardBps) {
      problems.push({
        field: "rewardBps",
        message:
          `Rewards add up to ${percent(sum)}; the market allows at most ${percent(market.maxRewardBps)} ` +
          `(100% less MAX_PROTOCOL_FEE_BPS, ${percent(10_000 - market.maxRewardBps)}, kept for the protocol fee).`,
      });
    }
  }
  const royalty = terms.royaltyBps ?? 0;
  if (!Number.isInteger(royalty) || royalty < 0 || royalty > market.maxRoyaltyBps) {
    problems.push({
      field: "royaltyBps",
      message: `The royalty is a percentage between 0 and ${percent(market.maxRoyaltyBps)} (MAX_ROYALTY_BPS).`,
    });
  }
  return problems;
}

/** Throws `INVALID_TERMS`, naming every problem, when the market would refuse `terms`. */
export function checkPublishTerms(terms: PublishTerms, market: GetMarketTermsReturnType): void {
  const problems = termsProblems(terms, market);
  if (problems.length > 0) {
    throw new SdkError("INVALID_TERMS", problems.map((problem) => problem.message).join(" "), {
      details: problems.map((problem) => problem.field).join(", "),
    });
  }
}
