import type { Address, Client, ContractFunctionReturnType } from "viem";
import { readContract } from "viem/actions";
import { superdistMarketAbi } from "../abi.generated.ts";

export type GetContentParameters = { market: Address; contentId: bigint };
export type GetContentReturnType = ContractFunctionReturnType<typeof superdistMarketAbi, "view", "content">;

/** A published content; rejects with the market's `ContentNotFound` for an unknown id. */
export function getContent(
  client: Client,
  { market, contentId }: GetContentParameters,
): Promise<GetContentReturnType> {
  return readContract(client, {
    address: market,
    abi: superdistMarketAbi,
    functionName: "content",
    args: [contentId],
  });
}
