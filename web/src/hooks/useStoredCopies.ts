"use client";

import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { listCopies } from "../lib/copies.ts";
import { useMarket } from "./useMarket.ts";

/** The copies this browser holds of this market's contents. */
export function useStoredCopies() {
  const { market, chainId } = useMarket();
  return useQuery({
    queryKey: ["copies", chainId, market],
    enabled: market !== null,
    // Other pages add copies without telling this query, so it reads the store afresh on every visit.
    staleTime: 0,
    queryFn: () => listCopies(chainId, market as Address),
  });
}
