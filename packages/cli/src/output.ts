import { type Address, formatUnits } from "viem";
import type { Context } from "./config.ts";

/** Prints human lines, or with --json one JSON document at the end (bigints as decimal strings). */
export function emit(ctx: Pick<Context, "json" | "io">, human: string, data: unknown): void {
  ctx.io.stdout.write(`${ctx.json ? toJson(data) : human}\n`);
}

export function toJson(data: unknown): string {
  return JSON.stringify(data, (_key, value) => (typeof value === "bigint" ? value.toString() : value), 2);
}

export function amount(value: bigint, currency: { symbol: string; decimals: number }): string {
  return `${formatUnits(value, currency.decimals)} ${currency.symbol}`;
}

export function short(address: Address): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}
