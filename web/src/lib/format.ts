import type { Address } from "viem";
import { formatUnits } from "viem";

export function shortAddress(address: Address): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A token amount for people: at most `maxDecimals` decimals, grouped thousands, trailing zeros dropped. */
export function formatAmount(value: bigint, decimals: number, symbol: string, maxDecimals = 4): string {
  const sign = value < 0n ? "-" : "";
  const [whole, fraction = ""] = formatUnits(value < 0n ? -value : value, decimals).split(".");
  const grouped = BigInt(whole).toLocaleString("en-US");
  const shown = fraction.slice(0, maxDecimals).replace(/0+$/, "");
  if (shown === "" && whole === "0" && /[1-9]/.test(fraction)) {
    return `${sign}<0.${"0".repeat(maxDecimals - 1)}1 ${symbol}`;
  }
  return `${sign}${shown ? `${grouped}.${shown}` : grouped} ${symbol}`;
}
