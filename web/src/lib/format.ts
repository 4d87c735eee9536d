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

export function formatBps(bps: number | bigint): string {
  return `${(Number(bps) / 100).toLocaleString("en-US")}%`;
}

/** "Referrers earn 10% · 5%" (the one who passed the copy on, then theirs), or "No referral rewards". */
export function formatSchedule(rewardBps: readonly number[]): string {
  if (rewardBps.length === 0) return "No referral rewards";
  return `Referrers earn ${rewardBps.map(formatBps).join(" · ")}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${units[unit]}`;
}

/** A block's time as a wallet's history shows it, in the reader's locale and time zone. */
export function formatTimestamp(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toLocaleString(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

export function shortHash(hash: string): string {
  return `${hash.slice(0, 10)}…${hash.slice(-6)}`;
}
