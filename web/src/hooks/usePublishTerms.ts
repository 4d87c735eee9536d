"use client";

import { getCurrency } from "@superdist/contracts";
import { getMarketTerms, type PublishTerms, termsProblems } from "@superdist/sdk";
import { useQuery } from "@tanstack/react-query";
import { type Address, isAddress, parseUnits } from "viem";
import { useMarket } from "./useMarket.ts";

/** A decimal amount in a currency's units, or undefined for anything that is not one. */
export function parsePrice(text: string, decimals: number | undefined): bigint | undefined {
  if (decimals === undefined) return undefined;
  try {
    return parseUnits(text.trim() || "x", decimals);
  } catch {
    return undefined;
  }
}

/** A currency typed or chosen by address: its symbol and decimals, or an error if it is no token. */
export function useCurrencyAt(address: Address) {
  const { client, chainId } = useMarket();
  return useQuery({
    queryKey: ["currency", chainId, address],
    enabled: isAddress(address),
    queryFn: () => getCurrency(client, address),
    retry: false,
  });
}

export type PublishFields = {
  price: string;
  currency: Address;
  levels: string[];
  /** A percentage. */
  royalty: string;
  transferable: boolean;
  title: string;
};

/** The terms a publish form describes, and what the market would refuse in them, field by field. */
export function usePublishTerms(fields: PublishFields) {
  const { client, market, chainId } = useMarket();
  const currency = useCurrencyAt(fields.currency);
  const marketTerms = useQuery({
    queryKey: ["market-terms", chainId, market],
    queryFn: () => getMarketTerms(client, { market: market as Address }),
  });
  const rewardBps = fields.levels.map((level) => Math.round(Number(level) * 100));
  const rewardSum = rewardBps.reduce((sum, bps) => sum + (Number.isFinite(bps) ? bps : 0), 0);
  const priceUnits = parsePrice(fields.price, currency.data?.decimals);
  const terms: PublishTerms | undefined =
    priceUnits === undefined
      ? undefined
      : {
          price: priceUnits,
          currency: fields.currency,
          rewardBps,
          royaltyBps: Math.round(Number(fields.royalty) * 100),
          transferable: fields.transferable,
          title: fields.title,
          metadataURI: "",
        };
  const problems = terms && marketTerms.data ? termsProblems(terms, marketTerms.data) : [];
  const problem = (field: string) => problems.find((p) => p.field === field)?.message;
  const priceProblem =
    priceUnits === undefined
      ? `Enter a price of 0 or more${currency.data ? ` in ${currency.data.symbol}` : ""}, like 0.01.`
      : problem("price");
  return {
    currency,
    marketTerms,
    rewardBps,
    rewardSum,
    terms,
    problems,
    problem,
    feeBps: marketTerms.data?.feeBps ?? 0,
    priceProblem,
  };
}
