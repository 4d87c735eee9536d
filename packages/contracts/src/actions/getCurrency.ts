import { type Address, type Client, erc20Abi } from "viem";
import { readContract } from "viem/actions";
import { ETH } from "../constants.ts";

export type Currency = { address: Address; symbol: string; decimals: number };

/** Symbol and decimals of a content's currency; `ETH` (the zero address) is the chain's ether. */
export async function getCurrency(client: Client, address: Address): Promise<Currency> {
  if (address === ETH) return { address, symbol: client.chain?.nativeCurrency.symbol ?? "ETH", decimals: 18 };
  const [symbol, decimals] = await Promise.all([
    readContract(client, { address, abi: erc20Abi, functionName: "symbol" }),
    readContract(client, { address, abi: erc20Abi, functionName: "decimals" }),
  ]);
  return { address, symbol, decimals };
}
